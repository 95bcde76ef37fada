package dev.kleiber.agent;

import dev.kleiber.config.ChangeLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Kleiber checks in a task's change before committing it, whatever made the change (a file tool or a command
 * in the sandbox, which can write anything in the role's folders): no name git refuses or another system reads as
 * {@code .git} ({@link PathNames}), no change to an append-only log, no symlink whose target leaves the worktree or
 * points into {@code .git} or {@code .kleiber}, no symlinked {@code .gitmodules} and the like, and at most
 * {@link ChangeLimits} files and bytes. Reads the worktree only.
 */
final class ChangeGate {
    private static final int MAX_REASONS = 20;

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
        problems.addAll(pathProblems(root, changed));
        return List.copyOf(problems.subList(0, Math.min(problems.size(), MAX_REASONS)));
    }

    /** The problems of single paths (names, logs, symlinks), without the bounds of the whole change. */
    static List<String> pathProblems(Path root, List<String> changed) {
        return changed.stream().map(path -> problem(root, path)).flatMap(Optional::stream).limit(MAX_REASONS).toList();
    }

    private static Optional<String> problem(Path root, String path) {
        Optional<String> name = PathNames.problem(path);
        if (name.isPresent()) {
            return name;
        }
        if (PathNames.isAppendOnlyLog(path)) {
            return Optional.of("'" + path + "' is an append-only log that only Kleiber writes; the change to it is refused");
        }
        if (path.equals(".kleiber") || path.startsWith(".kleiber/")) {
            return Optional.of("'" + path + "' is in .kleiber, Kleiber's own configuration and state");
        }
        Path file = root.resolve(path);
        if (!Files.isSymbolicLink(file)) {
            return Optional.empty();
        }
        String leaf = file.getFileName().toString();
        if (PathNames.isGitDotfile(leaf)) {
            return Optional.of("'" + path + "' is a symlink; git refuses " + leaf + " as a symlink");
        }
        try {
            Path target = Files.readSymbolicLink(file);
            Path lexical = file.getParent().resolve(target).normalize();
            Optional<Path> real = Files.exists(file) ? Optional.of(file.toRealPath()) : Optional.empty();
            for (Path resolved : real.map(r -> List.of(lexical, r)).orElse(List.of(lexical))) {
                if (!resolved.startsWith(root)) {
                    return Optional.of("'" + path + "' is a symlink to '" + target + "', which leads outside the worktree");
                }
                String first = root.relativize(resolved).toString().split("/")[0];
                if (PathNames.isDotGit(first) || first.equals(".kleiber")) {
                    return Optional.of("'" + path + "' is a symlink to '" + target + "', into " + first
                            + ", which agents cannot touch");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("'" + path + "' is a symlink that cannot be read: " + e.getMessage());
        }
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
