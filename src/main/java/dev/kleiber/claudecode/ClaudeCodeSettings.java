package dev.kleiber.claudecode;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How Kleiber runs Claude Code: the {@code claude} executable, the API it forwards to with which key, the turn and
 * wall-clock limits of a session, and the command line that runs {@code kleiber guard} (the hook).
 */
public record ClaudeCodeSettings(Path claude, URI upstream, String apiKey, int maxTurns, Duration timeout,
                                 List<String> guardCommand) {
    public ClaudeCodeSettings {
        Objects.requireNonNull(claude, "claude");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(apiKey, "apiKey");
        if (maxTurns < 1) {
            throw new IllegalArgumentException("maxTurns must be at least 1");
        }
        guardCommand = List.copyOf(guardCommand);
    }

    /** {@code kleiber guard} run by this very JVM's java and class path (the jar or the test classes). */
    public static List<String> guardOfThisProcess() {
        String java = ProcessHandle.current().info().command().orElse("java");
        // absolute: Claude Code runs the hook in the task's worktree, where a relative class path finds nothing
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty()).map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        return List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath, "dev.kleiber.cli.Main",
                "guard");
    }
}
