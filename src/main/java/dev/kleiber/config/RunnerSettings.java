package dev.kleiber.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code runner:} key of kleiber.yaml: who runs each role's sessions — Kleiber's own agent loop ({@code kleiber})
 * or Claude Code ({@code claude-code}) — and how Claude Code is run.
 */
public record RunnerSettings(Runner defaultRunner, Map<String, Runner> roles, String claudeCommand, int claudeMaxTurns,
                             Duration claudeTimeout) {
    public static final RunnerSettings DEFAULT = new RunnerSettings(Runner.KLEIBER, Map.of(), "claude", 40,
            Duration.ofMinutes(30));

    public RunnerSettings {
        roles = Map.copyOf(roles);
    }

    /** The two runners a role's sessions can have. */
    public enum Runner {
        KLEIBER, CLAUDE_CODE;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** {@code kleiber, claude-code}, for messages. */
        public static String choices() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Runner::id).toList());
        }

        public static Optional<Runner> of(String id) {
            for (Runner runner : values()) {
                if (runner.id().equals(id)) {
                    return Optional.of(runner);
                }
            }
            return Optional.empty();
        }
    }

    public Runner runnerFor(String role) {
        return roles.getOrDefault(role, defaultRunner);
    }

    /** Whether any role runs on Claude Code (and so Claude Code must be set up for the run). */
    public boolean usesClaudeCode() {
        return defaultRunner == Runner.CLAUDE_CODE || roles.containsValue(Runner.CLAUDE_CODE);
    }
}
