package dev.kleiber.agent;

import dev.kleiber.config.ChangeLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounds of a task's whole change before Kleiber commits it, whatever made the change: at most
 * {@link ChangeLimits} files and bytes. Each changed path is judged on its own by {@link PathGuard#checkChange}.
 * Reads the worktree only.
 */
final class ChangeGate {
    private final ChangeLimits limits;

    ChangeGate(ChangeLimits limits) {
        this.limits = limits;
    }

    /**
     * Why the change of {@code changed} paths (worktree-relative, as git lists them) in {@code worktree} may not be
     * committed; empty when it may.
     */
    List<String> problems(Path worktree, List<String> changed) {
        Path root;
        try {
            root = worktree.toRealPath();
        } catch (IOException e) {
            return List.of("the worktree " + worktree + " cannot be opened: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        long bytes = changed.stream().mapToLong(path -> size(root.resolve(path))).sum();
        if (changed.size() > limits.commitFiles()) {
            problems.add("the change touches " + changed.size() + " files; a task may commit at most "
                    + limits.commitFiles() + " (limits.commit_files in kleiber.yaml)");
        }
        if (bytes > limits.commitBytes()) {
            problems.add("the changed files hold " + bytes + " bytes; a task may commit at most " + limits.commitBytes()
                    + " bytes (limits.commit_bytes in kleiber.yaml)");
        }
        return List.copyOf(problems);
    }

    /** The bytes a changed path adds: a file's size, a symlink's target length, nothing for a deletion or a folder. */
    private static long size(Path file) {
        try {
            if (Files.isSymbolicLink(file)) {
                return Files.readSymbolicLink(file).toString().length();
            }
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
