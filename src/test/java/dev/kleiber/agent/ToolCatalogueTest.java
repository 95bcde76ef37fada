package dev.kleiber.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.routing.Roles;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCatalogueTest {
    private static final CommandSandbox.Settings SETTINGS = CommandSandbox.Settings.defaults();

    private static Map<String, ToolCatalogue.ToolSpec> catalogue(String role) {
        return ToolCatalogue.forRole(RolePermissions.blueprintDefault(role), SETTINGS).stream()
                .collect(Collectors.toMap(ToolCatalogue.ToolSpec::name, s -> s));
    }

    private static List<String> required(ObjectNode schema) {
        return schema.get("required").valueStream().map(JsonNode::asText).toList();
    }

    @Test
    void eachRoleGetsOnlyItsTools() {
        assertThat(ToolCatalogue.forRole(RolePermissions.blueprintDefault(Roles.CONDUCTOR), SETTINGS))
                .extracting(ToolCatalogue.ToolSpec::name).containsExactly("read_file", "list_files", "search");
        assertThat(catalogue(Roles.SCRIBE)).doesNotContainKeys("run_command").containsKeys("edit_file");
        assertThat(catalogue(Roles.VALIDATOR)).doesNotContainKeys("edit_file").containsKeys("run_command");
        assertThat(catalogue(Roles.ENGINEER_BACKEND)).hasSize(ToolName.values().length);
    }

    @Test
    void schemasHaveTheContractedFieldsAndRequiredOnes() {
        Map<String, ToolCatalogue.ToolSpec> tools = catalogue(Roles.ENGINEER_BACKEND);
        Map<String, List<String>> expectedFields = Map.of(
                "read_file", List.of("path", "offset", "limit"),
                "list_files", List.of("path", "pattern"),
                "search", List.of("pattern", "path"),
                "write_file", List.of("path", "content"),
                "edit_file", List.of("path", "old_text", "new_text"),
                "run_command", List.of("command"),
                "complete_task", List.of("summary", "decisions"),
                "report_blocked", List.of("type", "problem", "attempted", "need"),
                "request_escalation", List.of("reason"));
        expectedFields.forEach((tool, fields) -> {
            ObjectNode schema = tools.get(tool).inputSchema();
            assertThat(schema.get("type").asText()).isEqualTo("object");
            assertThat(schema.get("properties").propertyStream().map(Map.Entry::getKey).toList())
                    .as(tool).containsExactlyElementsOf(fields);
            assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
        });
        assertThat(required(tools.get("read_file").inputSchema())).containsExactly("path");
        assertThat(required(tools.get("list_files").inputSchema())).isEmpty();
        assertThat(required(tools.get("edit_file").inputSchema())).containsExactly("path", "old_text", "new_text");
        assertThat(required(tools.get("report_blocked").inputSchema())).containsExactly("type", "problem", "need");
        assertThat(tools.get("report_blocked").inputSchema().at("/properties/type/enum").valueStream()
                .map(JsonNode::asText).toList())
                .containsExactly("merge_conflict", "dependency", "unclear_requirements", "technical");
    }

    @Test
    void descriptionsTellTheModelItsLimits() {
        Map<String, ToolCatalogue.ToolSpec> backend = catalogue(Roles.ENGINEER_BACKEND);
        assertThat(backend.get("write_file").description()).contains("src/backend/**", "tests/integration/**");
        assertThat(backend.get("run_command").description())
                .contains("no network", "src/backend/", "src/db/", "120 s", "64 KiB");
        assertThat(backend.get("run_command").description()).contains("filesystem is read-only except src/backend/, "
                + "src/services/, src/db/, tests/integration/ and a private /tmp");
        assertThat(backend.get("run_command").description()).contains("Limits: 256 processes and 2 GiB of memory per "
                + "command, files up to 1 GiB, /tmp 512 MiB, 600 s of CPU per process");
        Map<String, ToolCatalogue.ToolSpec> scribe = catalogue(Roles.SCRIBE);
        assertThat(scribe.get("write_file").description()).contains("docs/**", "**/*.md");
    }

    @Test
    void globsThatNameNoFolderAreSaidToBeFileToolsOnly() {
        RolePermissions writer = RolePermissions.of("writer", java.util.Set.of(ToolName.RUN_COMMAND), List.of("docs/**",
                "**/*.md"), List.of(), List.of("make docs"));
        assertThat(CommandSandbox.describeWritable(writer)).isEqualTo("read-only except docs/ and a private /tmp that "
                + "is discarded afterwards; files matching **/*.md can be written with write_file and edit_file only");
        assertThat(ToolCatalogue.forRole(writer, SETTINGS).getFirst().description())
                .contains("Allowed command lines: make docs.");
    }

    @Test
    void schemasCannotBeChangedThroughTheSpec() {
        ToolCatalogue.ToolSpec spec = catalogue(Roles.ENGINEER_BACKEND).get("read_file");
        spec.inputSchema().put("type", "array");
        assertThat(spec.inputSchema().get("type").asText()).isEqualTo("object");
    }
}
