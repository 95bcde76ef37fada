package dev.kleiber.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FileNamingRulesTest {
    private static final String TEST = "describe('x', () => { it('works', () => {}); });";
    @Test
    void componentInAComponentFolderMustBePascalCase() {
        assertThat(FileNamingRules.check("src/components/user-profile.tsx", () -> TEST))
                .extracting(Finding::render)
                .containsExactly("src/components/user-profile.tsx: [file-component] component file 'user-profile.tsx' "
                        + "must be PascalCase.tsx (e.g. UserProfile.tsx)");
        assertThat(FileNamingRules.check("src/frontend/settings/components/userCard.tsx", () -> TEST))
                .extracting(Finding::rule).containsExactly(Rule.FILE_COMPONENT);
        assertThat(FileNamingRules.check("src/components/forms/login_form.styles.tsx", () -> TEST))
                .extracting(Finding::message).containsExactly(
                        "component file 'login_form.styles.tsx' must be PascalCase.tsx (e.g. LoginForm.styles.tsx)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/components/UserProfile.tsx", "src/components/index.tsx", "src/components/useModal.tsx",
            "src/components/Button.stories.tsx", "src/components/Button.test.tsx", "src/components/Button.styles.tsx",
            "src/frontend/components/forms/LoginForm.tsx", "src/frontend/pages/home.tsx", "src/pages/user-page.tsx",
            "src/components/button.module.css", "src/components/_internal.tsx"})
    void acceptedOrNotJudgedAsComponents(String path) {
        assertThat(FileNamingRules.check(path, () -> TEST)).as(path).isEmpty();
    }

    @Test
    void utilitiesUnderSrcMustBeCamelCase() {
        assertThat(FileNamingRules.check("src/utils/format-date.ts", () -> TEST)).extracting(Finding::render).containsExactly(
                "src/utils/format-date.ts: [file-utility] utility file 'format-date.ts' must be camelCase.ts (e.g. formatDate.ts)");
        assertThat(FileNamingRules.check("src/services/user_service.ts", () -> TEST)).extracting(Finding::rule)
                .containsExactly(Rule.FILE_UTILITY);
        assertThat(FileNamingRules.check("src/lib/FormatDate.ts", () -> TEST)).extracting(Finding::message)
                .containsExactly("utility file 'FormatDate.ts' must be camelCase.ts (e.g. formatDate.ts)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/utils/formatDate.ts", "src/index.ts", "src/services/UserService.ts",
            "src/backend/user.routes.ts", "src/db/migrations/0001_create_users.ts", "src/routes/[id].ts",
            "src/_app.ts", "scripts/seed-db.ts", "tests/integration/db-setup.ts", "src/vite-env.d.ts",
            "src/utils/format-date.js", "src/hooks/useAuth.ts", "vite.config.ts"})
    void acceptedOrNotJudgedAsUtilities(String path) {
        assertThat(FileNamingRules.check(path, () -> TEST)).as(path).isEmpty();
    }

    @Test
    void testsMustBeDotTestOrDotSpec() {
        assertThat(FileNamingRules.check("src/utils/formatDate_test.ts", () -> TEST)).extracting(Finding::render).containsExactly(
                "src/utils/formatDate_test.ts: [file-test] test file 'formatDate_test.ts' must be named "
                        + "formatDate.test.ts or formatDate.spec.ts");
        assertThat(FileNamingRules.check("tests/integration/users-spec.js", () -> TEST)).extracting(Finding::message)
                .containsExactly("test file 'users-spec.js' must be named users.test.js or users.spec.js");
        assertThat(FileNamingRules.check("src/user.tests.tsx", () -> TEST)).extracting(Finding::rule).containsExactly(Rule.FILE_TEST);
        assertThat(FileNamingRules.check("src/userTest.ts", () -> TEST)).extracting(Finding::message)
                .containsExactly("test file 'userTest.ts' must be named user.test.ts or user.spec.ts");
        assertThat(FileNamingRules.check("src/components/user_spec.jsx", () -> TEST)).extracting(Finding::rule)
                .containsExactly(Rule.FILE_TEST);
    }

    @Test
    void testShapedNamesOfFilesThatAreNotTestsAreLeftAlone() {
        assertThat(FileNamingRules.check("src/lib/commands/install-test.js", () -> "module.exports = installTest;"))
                .isEmpty();
        assertThat(FileNamingRules.check("src/lib/get-dep-spec.js", () -> "// describe(x)\nconst s = 'it(';")).isEmpty();
        assertThat(FileNamingRules.check("src/lib/user_test.js", () -> "test.each([1, 2])('works', (n) => {});"))
                .extracting(Finding::rule).containsExactly(Rule.FILE_TEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/user.test.ts", "src/user.spec.ts", "src/Button.test.tsx", "tests/e2e/login.spec.js",
            "src/user.test.jsx", "src/setupTests.ts", "src/test-utils.tsx", "src/latest.ts", "src/contest.ts",
            "src/components/ABTest.tsx", "src/components/SpeedTest.tsx", "vitest.config.ts", "src/manifest.ts"})
    void acceptedOrNotJudgedAsTests(String path) {
        assertThat(FileNamingRules.check(path, () -> TEST)).as(path).isEmpty();
    }

    @Test
    void sharedTypesMustBeDotTypes() {
        assertThat(FileNamingRules.check("src/userTypes.ts", () -> TEST)).extracting(Finding::render).containsExactly(
                "src/userTypes.ts: [file-types] types file 'userTypes.ts' must be named user.types.ts");
        assertThat(FileNamingRules.check("src/api/order-types.ts", () -> TEST)).extracting(Finding::message)
                .containsExactly("types file 'order-types.ts' must be named order.types.ts");
        assertThat(FileNamingRules.check("src/api/order_type.ts", () -> TEST)).extracting(Finding::rule)
                .containsExactly(Rule.FILE_TYPES);
        assertThat(FileNamingRules.check("src/user.type.ts", () -> TEST)).extracting(Finding::message)
                .containsExactly("types file 'user.type.ts' must be named user.types.ts");
        assertThat(FileNamingRules.check("shared/api.typings.ts", () -> TEST)).extracting(Finding::rule)
                .containsExactly(Rule.FILE_TYPES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/user.types.ts", "src/types.ts", "src/global.d.ts", "src/prototype.ts",
            "src/archetypes.ts", "src/UserTypes.tsx"})
    void acceptedOrNotJudgedAsTypes(String path) {
        assertThat(FileNamingRules.check(path, () -> TEST)).as(path).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "src/components/logo.svg", "Makefile", ".eslintrc", "src/db/schema.sql"})
    void otherFilesAreNotJudged(String path) {
        assertThat(FileNamingRules.check(path, () -> TEST)).isEmpty();
    }
}
