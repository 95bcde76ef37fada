package dev.kleiber.plan;

import dev.kleiber.protocol.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"feat-001", "auth-login-form", "a", "x1", "budget-2026-11-25"})
    void kebabCaseIdsAreValid(String id) {
        assertThat(TaskIds.isValid(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Feat-001", "feat_001", "001-feat", "-feat", "feat-", "feat--001", "feat 001",
            "feat/001", "../x", "fé", "x.md"})
    void anythingElseIsNot(String id) {
        assertThat(TaskIds.isValid(id)).isFalse();
    }

    @Test
    void idsHaveAMaximumLength() {
        assertThat(TaskIds.isValid("a".repeat(TaskIds.MAX_LENGTH))).isTrue();
        assertThat(TaskIds.isValid("a".repeat(TaskIds.MAX_LENGTH + 1))).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Add KYC status column & filter!|add-kyc-status-column-filter",
            "  Café  crème: déjà vu |cafe-creme-deja-vu",
            "Refactor authentication across 6 services without downtime|refactor-authentication-across-6",
            "日本語|''",
            "Supercalifragilisticexpialidociousnessfulness rules|supercalifragilisticexpialidociousnessfu",
            "user_accounts.kyc_status|user-accounts-kyc-status"})
    void slugsAreLowerCaseAsciiWordsCutAtAWord(String title, String slug) {
        assertThat(TaskIds.slug(title)).isEqualTo(slug).hasSizeLessThanOrEqualTo(TaskIds.MAX_SLUG_LENGTH);
    }

    @Test
    void aTaskCannotBeMadeWithAnUncheckedId() {
        assertThatThrownBy(() -> TaskGraphTest.task("../../etc", Priority.P1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a task id");
    }

    @Test
    void branchesFollowTheBlueprint() {
        assertThat(TaskIds.branch("feature", "feat-001", "Add KYC column")).isEqualTo("feature/feat-001-add-kyc-column");
        assertThat(TaskIds.branch("fix", "feat-001", "Fix it")).isEqualTo("fix/feat-001-fix-it");
        assertThat(TaskIds.branch("feature", "t-1", "日本語")).isEqualTo("feature/t-1");
        assertThatThrownBy(() -> TaskIds.branch("hotfix", "t-1", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskIds.branch("fix", "T 1", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
