package dev.kleiber.config;

import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code runner:} — a word for every role, or a mapping:
 * <pre>
 * runner: claude-code          # every role on Claude Code
 * runner:
 *   default: kleiber
 *   roles: {engineer-backend: claude-code}
 *   claude_code: {command: claude, max_turns: 40, timeout_minutes: 30}
 * </pre>
 * Every error names the line and what was expected.
 */
final class RunnerSettingsParser {
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private RunnerSettingsParser() {
    }

    static RunnerSettings parse(Mapping root) {
        return root.get("runner").map(RunnerSettingsParser::runner).orElse(RunnerSettings.DEFAULT);
    }

    private static RunnerSettings runner(YamlNode node) {
        RunnerSettings d = RunnerSettings.DEFAULT;
        if (node instanceof YamlNode.Scalar) {
            return new RunnerSettings(runnerOf(node, "runner"), Map.of(), d.claudeCommand(), d.claudeMaxTurns(),
                    d.claudeTimeout());
        }
        Mapping runner = node.asMapping("runner").allowOnly(Set.of("default", "roles", "claude_code"));
        RunnerSettings.Runner fallback = runner.get("default").map(n -> runnerOf(n, "runner.default"))
                .orElse(d.defaultRunner());
        Map<String, RunnerSettings.Runner> roles = new LinkedHashMap<>();
        runner.mapping("roles").ifPresent(mapping -> mapping.entries().forEach((role, value) -> {
            if (!ROLE.matcher(role).matches()) {
                throw value.error("'runner.roles' keys are role names such as engineer-backend; found '" + role + "'");
            }
            roles.put(role, runnerOf(value, "runner.roles." + role));
        }));
        String command = d.claudeCommand();
        int turns = d.claudeMaxTurns();
        Duration timeout = d.claudeTimeout();
        if (runner.mapping("claude_code").isPresent()) {
            Mapping claude = runner.mapping("claude_code").get().allowOnly(Set.of("command", "max_turns", "timeout_minutes"));
            if (claude.get("command").isPresent()) {
                YamlNode c = claude.require("command");
                command = c.asText("runner.claude_code.command").strip();
                if (command.isEmpty()) {
                    throw c.error("'runner.claude_code.command' must name the claude executable; found nothing");
                }
            }
            turns = (int) bounded(claude, "max_turns", 1, 500, turns);
            timeout = Duration.ofMinutes(bounded(claude, "timeout_minutes", 1, 24 * 60, timeout.toMinutes()));
        }
        return new RunnerSettings(fallback, roles, command, turns, timeout);
    }

    private static long bounded(Mapping claude, String key, long min, long max, long otherwise) {
        if (claude.get(key).isEmpty()) {
            return otherwise;
        }
        YamlNode node = claude.require(key);
        long n = node.asInteger("runner.claude_code." + key);
        if (n < min || n > max) {
            throw node.error("'runner.claude_code." + key + "' must be between " + min + " and " + max + "; found " + n);
        }
        return n;
    }

    private static RunnerSettings.Runner runnerOf(YamlNode node, String what) {
        String id = node.asText(what).strip();
        return RunnerSettings.Runner.of(id).orElseThrow(() -> node.error("'" + what
                + "' must be kleiber or claude-code; found '" + id + "'"));
    }
}
