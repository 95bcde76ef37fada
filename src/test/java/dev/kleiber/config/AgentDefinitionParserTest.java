package dev.kleiber.config;

import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentDefinitionParserTest {
    private final AgentDefinitionParser parser = new AgentDefinitionParser(new SafeYaml());

    private AgentDefinition parse(String name, String text) {
        return parser.parse(text, Path.of(".kleiber/agents/" + name + ".md"));
    }

    @Test
    void everyShippedRoleParsesWithTheBlueprintsModelAndPaths() {
        Map<String, Tier> tiers = Map.of(Roles.CONDUCTOR, Tier.OPUS, Roles.ARCHITECT, Tier.OPUS,
                Roles.ENGINEER_FRONTEND, Tier.SONNET, Roles.ENGINEER_BACKEND, Tier.SONNET,
                Roles.VALIDATOR, Tier.HAIKU, Roles.SCRIBE, Tier.HAIKU);
        for (String role : Roles.BLUEPRINT) {
            AgentDefinition agent = parse(role, ProjectInitializer.template("agents/" + role + ".md"));
            assertThat(agent.name()).isEqualTo(role);
            assertThat(agent.model()).contains(tiers.get(role));
            assertThat(agent.prompt()).isNotBlank();
            assertThat(agent.description()).isNotBlank();
        }
        AgentDefinition backend = parse(Roles.ENGINEER_BACKEND,
                ProjectInitializer.template("agents/engineer-backend.md"));
        assertThat(backend.write()).containsExactly("src/backend/**", "src/services/**", "src/db/**",
                "tests/integration/**");
        AgentDefinition validator = parse(Roles.VALIDATOR, ProjectInitializer.template("agents/validator.md"));
        assertThat(validator.write()).containsExactly("reports/**");
        assertThat(validator.tools()).doesNotContain("edit_file");
        AgentDefinition architect = parse(Roles.ARCHITECT, ProjectInitializer.template("agents/architect.md"));
        assertThat(architect.tools()).doesNotContain("run_command");
        assertThat(architect.commands()).isEmpty();
    }

    @Test
    void acceptsAClaudeCodeSubagentFile() {
        AgentDefinition agent = parse("reviewer", """
                ---
                name: reviewer
                description: Reviews code
                tools: Read, Grep, Glob, Bash
                model: inherit
                ---
                You review code.
                """);

        assertThat(agent.tools()).containsExactly("read_file", "search", "list_files", "run_command");
        assertThat(agent.model()).isEmpty();
        assertThat(agent.read()).containsExactly("**");
        assertThat(agent.write()).isEmpty();
    }

    @Test
    void errorsNameTheFileAndLine() {
        assertThatThrownBy(() -> parse("x", "no front matter\n"))
                .hasMessage(".kleiber/agents/x.md line 1: expected '---' opening the YAML front matter "
                        + "(name, description, model, tools, write, read, commands)");
        assertThatThrownBy(() -> parse("x", "---\nname: x\n"))
                .hasMessage(".kleiber/agents/x.md: the front matter opened on line 1 is never closed by '---'");
        assertThatThrownBy(() -> parse("x", "---\nname: x\ndescription: d\nmodel: gpt4\n---\nhi\n"))
                .hasMessage(".kleiber/agents/x.md line 4: 'model' must be one of opus, sonnet, haiku (or inherit); found 'gpt4'");
        assertThatThrownBy(() -> parse("x", "---\nname: y\ndescription: d\n---\nhi\n"))
                .hasMessage(".kleiber/agents/x.md line 2: 'name' must match the file name 'x'; found 'y'");
        assertThatThrownBy(() -> parse("x", "---\nname: x\ndescription: d\ntools: [read_file, fly]\n---\nhi\n"))
                .hasMessageStartingWith(".kleiber/agents/x.md line 4: unknown tool 'fly'; expected any of read_file");
        assertThatThrownBy(() -> parse("x", "---\nname: x\ndescription: d\nwrite: ['../etc/**']\n---\nhi\n"))
                .hasMessageStartingWith(".kleiber/agents/x.md line 4: 'write' holds paths relative to the repository");
        assertThatThrownBy(() -> parse("x", "---\nname: x\ndescription: d\n---\n\n"))
                .hasMessage(".kleiber/agents/x.md line 5: the role's prompt is missing after the front matter");
        assertThatThrownBy(() -> parse("x", "---\nname: x\n---\nhi\n"))
                .hasMessage(".kleiber/agents/x.md line 2: 'description' is required");
    }
}
