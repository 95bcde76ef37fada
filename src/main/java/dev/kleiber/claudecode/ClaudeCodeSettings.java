package dev.kleiber.claudecode;

import dev.kleiber.agent.CommandSandbox;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How Kleiber runs Claude Code: the {@code claude} executable, the API it forwards to with which key, the turn and
 * wall-clock limits of a session, the JVM that runs the helpers inside its sandbox ({@code kleiber guard}, the
 * loopback bridge), and the sandbox it runs in (the project's {@code sandbox:} settings, as for commands).
 */
public record ClaudeCodeSettings(Path claude, URI upstream, String apiKey, int maxTurns, Duration timeout,
                                 KleiberJvm jvm, CommandSandbox.Settings sandbox) {
    public ClaudeCodeSettings {
        Objects.requireNonNull(claude, "claude");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(jvm, "jvm");
        Objects.requireNonNull(sandbox, "sandbox");
        if (maxTurns < 1) {
            throw new IllegalArgumentException("maxTurns must be at least 1");
        }
    }
}
