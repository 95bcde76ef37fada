package dev.kleiber.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class BranchNamingRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"feature/feat-001-add-login", "fix/T12-null-avatar", "feature/auth.3-rotate-keys",
            "fix/bug_7-crash-on-start", "agent/engineer-backend", "agent/scribe", "feature/42-search",
            "feature/feat-001-add-oauth2"})
    void wellNamedBranches(String branch) {
        assertThat(BranchNamingRules.check(branch)).as(branch).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "master", "develop", "release/1.2", "hotfix/urgent", "features/x", "dependabot/npm/x"})
    void branchesOutsideKleibersNamespacesAreNotJudged(String branch) {
        assertThat(BranchNamingRules.inNamespace(branch)).isFalse();
        assertThat(BranchNamingRules.check(branch)).isEmpty();
    }

    @Test
    void featureWithoutTaskIdAndDescription() {
        assertThat(BranchNamingRules.check("feature/login")).get().extracting(Finding::render).isEqualTo(
                "refs/heads/feature/login: [branch-name] branch 'feature/login' must be feature/{task-id}-{short-description} "
                        + "with a lower-case kebab description (e.g. feature/feat-001-login)");
    }

    @Test
    void descriptionMustBeLowerCaseKebab() {
        assertThat(BranchNamingRules.check("fix/T-12-Null_Avatar")).get().extracting(Finding::message).isEqualTo(
                "branch 'fix/T-12-Null_Avatar' must be fix/{task-id}-{short-description} with a lower-case kebab "
                        + "description (e.g. fix/T-12-null-avatar)");
        assertThat(BranchNamingRules.check("feature/feat-001/login")).get().extracting(Finding::message)
                .asString().contains("(e.g. feature/feat-001-login)");
        assertThat(BranchNamingRules.check("feature/")).isPresent();
        assertThat(BranchNamingRules.check("feature/feat-001-")).isPresent();
        assertThat(BranchNamingRules.check("feature/-login")).isPresent();
    }

    @Test
    void namespaceMustBeLowerCase() {
        assertThat(BranchNamingRules.check("Feature/feat-001-login")).get().extracting(Finding::message)
                .isEqualTo("branch 'Feature/feat-001-login' must start with lower-case 'feature/'");
    }

    @Test
    void agentNamesAreLowerCaseKebab() {
        assertThat(BranchNamingRules.check("agent/Engineer_Frontend")).get().extracting(Finding::message).isEqualTo(
                "branch 'agent/Engineer_Frontend' must be agent/{agent-name} with a lower-case kebab agent name "
                        + "(e.g. agent/engineer-frontend)");
        assertThat(BranchNamingRules.check("agent/")).isPresent();
        assertThat(BranchNamingRules.check("agent/engineer/backend")).isPresent();
    }
}
