package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Roles;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RolePermissionsTest {

    private static List<String> offered(String role) {
        RolePermissions permissions = RolePermissions.blueprintDefault(role);
        return Arrays.stream(ToolName.values()).filter(permissions::offers).map(ToolName::wireName).toList();
    }

    private static List<String> globs(List<Glob> globs) {
        return globs.stream().map(Glob::text).toList();
    }

    @Test
    void conductorOnlyReads() {
        RolePermissions conductor = RolePermissions.blueprintDefault(Roles.CONDUCTOR);
        assertThat(offered(Roles.CONDUCTOR)).containsExactly("read_file", "list_files", "search");
        assertThat(conductor.writeGlobs()).isEmpty();
        assertThat(conductor.commandPatterns()).isEmpty();
        assertThat(globs(conductor.readGlobs())).containsExactly("**");
    }

    @Test
    void architectWritesOnlyArchitectureDocsAndRunsNothing() {
        RolePermissions architect = RolePermissions.blueprintDefault(Roles.ARCHITECT);
        assertThat(offered(Roles.ARCHITECT)).containsExactly("read_file", "list_files", "search", "write_file",
                "edit_file", "complete_task", "report_blocked", "request_escalation");
        assertThat(globs(architect.writeGlobs())).containsExactly("docs/architecture/**");
        assertThat(architect.mayWrite("tasks/engineer-backend/t1.md")).isFalse();
        assertThat(architect.commandPatterns()).isEmpty();
    }

    @Test
    void engineersHaveEveryToolAndTheirOwnFolders() {
        RolePermissions frontend = RolePermissions.blueprintDefault(Roles.ENGINEER_FRONTEND);
        RolePermissions backend = RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND);
        List<String> all = Arrays.stream(ToolName.values()).map(ToolName::wireName).toList();
        assertThat(offered(Roles.ENGINEER_FRONTEND)).isEqualTo(all);
        assertThat(offered(Roles.ENGINEER_BACKEND)).isEqualTo(all);
        assertThat(globs(frontend.writeGlobs()))
                .containsExactly("src/frontend/**", "src/components/**", "tests/frontend/**", "tests/e2e/**");
        assertThat(globs(backend.writeGlobs()))
                .containsExactly("src/backend/**", "src/services/**", "src/db/**", "tests/integration/**");
        assertThat(globs(frontend.commandPatterns())).containsExactly("*");
        assertThat(frontend.mayWrite("src/backend/app.js")).isFalse();
        assertThat(backend.mayWrite("src/frontend/ui.js")).isFalse();
        assertThat(backend.mayRun("npm test")).isTrue();
    }

    @Test
    void validatorWritesReportsAndRunsCommandsButCannotEdit() {
        RolePermissions validator = RolePermissions.blueprintDefault(Roles.VALIDATOR);
        assertThat(offered(Roles.VALIDATOR)).containsExactly("read_file", "list_files", "search", "write_file",
                "run_command", "complete_task", "report_blocked", "request_escalation");
        assertThat(globs(validator.writeGlobs())).containsExactly("reports/**");
        assertThat(validator.mayWrite("src/backend/app.js")).isFalse();
    }

    @Test
    void scribeWritesDocsAndMarkdownAndRunsNothing() {
        RolePermissions scribe = RolePermissions.blueprintDefault(Roles.SCRIBE);
        assertThat(offered(Roles.SCRIBE)).containsExactly("read_file", "list_files", "search", "write_file",
                "edit_file", "complete_task", "report_blocked", "request_escalation");
        assertThat(globs(scribe.writeGlobs())).containsExactly("docs/**", "**/*.md");
        assertThat(scribe.mayWrite("CHANGELOG.md")).isTrue();
        assertThat(scribe.mayWrite("src/backend/app.js")).isFalse();
        assertThat(scribe.commandPatterns()).isEmpty();
    }

    @Test
    void aToolIsOfferedOnlyWhenTheRoleHasSomethingToUseItOn() {
        RolePermissions noCommands = RolePermissions.of("custom", Set.of(ToolName.RUN_COMMAND, ToolName.WRITE_FILE),
                List.of(), List.of(), List.of());
        assertThat(noCommands.offers(ToolName.RUN_COMMAND)).isFalse();
        assertThat(noCommands.offers(ToolName.WRITE_FILE)).isFalse();
        assertThat(noCommands.offers(ToolName.READ_FILE)).isFalse();
    }

    @Test
    void unknownRoleIsBadInputListingTheBlueprintRoles() {
        assertThatThrownBy(() -> RolePermissions.blueprintDefault("designer"))
                .isInstanceOf(KleiberException.class)
                .hasMessageContaining("'designer'").hasMessageContaining("engineer-backend");
    }
}
