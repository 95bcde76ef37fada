package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.agent.PathGuard;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Decides one of Claude Code's tool calls before it runs (its {@code PreToolUse} hook): a file write or edit must pass
 * Kleiber's {@link PathGuard} for the role (inside the worktree, not {@code .git}, {@code .kleiber}, the protocol
 * folders or the append-only logs, within the role's write globs, through no symbolic link); tools that reach the
 * network are denied; everything else is left to the session's own permissions.
 */
public final class ToolGuard {
    /** Claude Code's tools that write a file, and the input field naming it. */
    private static final java.util.Map<String, String> WRITERS = java.util.Map.of("Write", "file_path", "Edit",
            "file_path", "MultiEdit", "file_path", "NotebookEdit", "notebook_path");
    private static final Set<String> NETWORK = Set.of("WebFetch", "WebSearch");

    private final PathGuard paths;

    public ToolGuard(PathGuard paths) {
        this.paths = paths;
    }

    /** The hook's decision. */
    public sealed interface Verdict {
        record Allow() implements Verdict {
        }

        record Deny(String reason) implements Verdict {
        }
    }

    /** Judges the hook input ({@code tool_name}, {@code tool_input}) Claude Code sends on stdin. */
    public Verdict judge(JsonNode hookInput) {
        String tool = hookInput.path("tool_name").asText("");
        if (NETWORK.contains(tool) || tool.startsWith("mcp__")) {
            return new Verdict.Deny(tool + " is not allowed: a Kleiber task has no network but the model API");
        }
        String field = WRITERS.get(tool);
        if (field == null) {
            return new Verdict.Allow();
        }
        String given = hookInput.path("tool_input").path(field).asText("");
        Optional<String> relative = relative(given);
        if (relative.isEmpty()) {
            return new Verdict.Deny("'" + given + "' is outside the task's worktree " + paths.root());
        }
        return switch (paths.checkWrite(relative.get())) {
            case PathGuard.Decision.Allowed allowed -> new Verdict.Allow();
            case PathGuard.Decision.Refused refused -> new Verdict.Deny(refused.reason());
        };
    }

    /** Claude Code names files by absolute path; the guard judges them relative to the worktree. */
    private Optional<String> relative(String given) {
        if (given.isBlank() || given.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Path path = Path.of(given);
        if (!path.isAbsolute()) {
            return Optional.of(given);
        }
        Path normal = path.normalize();
        return normal.startsWith(paths.root()) ? Optional.of(paths.root().relativize(normal).toString())
                : Optional.empty();
    }
}
