package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code runner:} key: which roles Claude Code runs, and how. */
class RunnerSettingsParserTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    private RunnerSettings runners(String yaml) {
        return parser.parse(yaml, "kleiber.yaml").runners();
    }

    @Test
    void withoutTheKeyKleibersOwnLoopRunsEveryRole() {
        RunnerSettings settings = runners("version: 1\n");

        assertThat(settings).isEqualTo(RunnerSettings.DEFAULT);
        assertThat(settings.runnerFor("engineer-backend")).isEqualTo(RunnerSettings.Runner.KLEIBER);
        assertThat(settings.usesClaudeCode()).isFalse();
    }

    @Test
    void oneWordPutsEveryRoleOnClaudeCode() {
        assertThat(runners("runner: claude-code\n").runnerFor("scribe")).isEqualTo(RunnerSettings.Runner.CLAUDE_CODE);
    }

    @Test
    void aMappingNamesRolesAndHowClaudeCodeRuns() {
        RunnerSettings settings = runners("""
                runner:
                  default: kleiber
                  roles: {engineer-backend: claude-code}
                  claude_code: {command: /opt/claude/bin/claude, max_turns: 25, timeout_minutes: 10}
                """);

        assertThat(settings).isEqualTo(new RunnerSettings(RunnerSettings.Runner.KLEIBER,
                Map.of("engineer-backend", RunnerSettings.Runner.CLAUDE_CODE), "/opt/claude/bin/claude", 25,
                Duration.ofMinutes(10)));
        assertThat(settings.runnerFor("engineer-frontend")).isEqualTo(RunnerSettings.Runner.KLEIBER);
        assertThat(settings.usesClaudeCode()).isTrue();
    }

    @Test
    void badValuesNameTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> runners("version: 1\nrunner: codex\n")).isInstanceOf(KleiberException.class)
                .hasMessageContaining("kleiber.yaml line 2").hasMessageContaining("'runner' must be kleiber or claude-code; found 'codex'");
        assertThatThrownBy(() -> runners("runner:\n  roles: {Engineer: claude-code}\n"))
                .hasMessageContaining("role names such as engineer-backend; found 'Engineer'");
        assertThatThrownBy(() -> runners("runner:\n  claude_code: {max_turns: 0}\n"))
                .hasMessageContaining("'runner.claude_code.max_turns' must be between 1 and 500; found 0");
        assertThatThrownBy(() -> runners("runner:\n  claude: {}\n")).hasMessageContaining("claude");
    }
}
