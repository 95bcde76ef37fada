package dev.kleiber.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Sorts the sandbox's refusal sentences (which quote paths and commands a model chose) into a closed set of
 * classes, so a refusal can be a label without one series per path.
 */
final class RefusalReason {
    private record Class(String label, List<String> phrases) {
    }

    private static final List<Class> CLASSES = List.of(
            new Class("unknown_tool", List.of("there is no tool")),
            new Class("tool_not_granted", List.of("does not have the tool")),
            new Class("command_not_allowed", List.of("may run only commands")),
            new Class("outside_role_scope", List.of(" may not ")),
            new Class("protected_path", List.of("inside .git", "inside .kleiber", "protocol folder", "append-only log",
                    "worktree root itself")),
            new Class("path_escape", List.of("outside the worktree", "is absolute", "symlink", "nul byte",
                    "not a valid path", "path is empty")),
            new Class("sandbox_unavailable", List.of("cannot be hardened", "cgroup", "cannot be bound",
                    "could not be started")),
            new Class("change_limit", List.of("limit", "too large", "too many")));

    private RefusalReason() {
    }

    static String of(String reason) {
        String text = reason.toLowerCase(Locale.ROOT);
        return CLASSES.stream().filter(c -> c.phrases().stream().anyMatch(text::contains)).map(Class::label)
                .findFirst().orElse("other");
    }
}
