package dev.kleiber.validate;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What to validate: a task's worktree (or main's), the kleiber.yaml commands to run in it, the coverage
 * threshold, the branch names to judge, and the paths to lint ({@code paths} empty: the whole worktree;
 * the conductor passes a task's changed files so that old findings on main do not fail new work).
 */
public record ValidationRequest(String taskId, Path worktree, Optional<String> commit, List<CommandCheck> commands,
                                int coverageMinPercent, List<String> branches, List<Path> paths) {
    public ValidationRequest {
        if (coverageMinPercent < 0 || coverageMinPercent > 100) {
            throw new IllegalArgumentException("coverage threshold must be 0..100: " + coverageMinPercent);
        }
        commands = List.copyOf(commands);
        branches = List.copyOf(branches);
        paths = List.copyOf(paths);
    }
}
