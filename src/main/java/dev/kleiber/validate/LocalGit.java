package dev.kleiber.validate;

import dev.kleiber.KleiberException;
import dev.kleiber.git.GitProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the linter asks git: the local branch names and which files git does not ignore. Read-only. */
public final class LocalGit {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Path root;

    public LocalGit(Path root) {
        this.root = root;
    }

    /** The current branch (when HEAD is on one, even unborn) and every local branch, without duplicates. */
    public List<String> branches() {
        Set<String> names = new LinkedHashSet<>();
        currentBranch().ifPresent(names::add);
        for (String line : run("for-each-ref", "--format=%(refname:short)", "refs/heads/").split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return List.copyOf(names);
    }

    public Optional<String> currentBranch() {
        try {
            String name = run("symbolic-ref", "--quiet", "--short", "HEAD").strip();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (KleiberException detached) {
            return Optional.empty();
        }
    }

    /**
     * The branch the repository calls its main one: the remote's default ({@code origin/HEAD}, as a clone records
     * it), else {@code main} or {@code master} when one exists, else the current branch.
     */
    public Optional<String> defaultBranch() {
        try {
            String remote = run("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD").strip();
            if (remote.startsWith("origin/") && remote.length() > "origin/".length()) {
                return Optional.of(remote.substring("origin/".length()));
            }
        } catch (KleiberException noRemote) {
            // a repository without a clone's origin: the local branches tell
        }
        List<String> branches = branches();
        return branches.contains("main") ? Optional.of("main")
                : branches.contains("master") ? Optional.of("master") : currentBranch();
    }

    /** Tracked files and untracked files that git does not ignore, relative to the root, {@code /}-separated. */
    public Set<String> unignoredFiles() {
        String output = run("ls-files", "-z", "--cached", "--others", "--exclude-standard");
        Set<String> files = new LinkedHashSet<>();
        Arrays.stream(output.split("\0")).filter(s -> !s.isEmpty()).forEach(files::add);
        return files;
    }

    private String run(String... args) {
        GitProcess.Result result = GitProcess.run(root, List.of(args), Optional.empty(), TIMEOUT);
        if (result.exitCode() != 0) {
            throw KleiberException.failed("git " + args[0] + " failed in " + root + ": " + result.err().strip());
        }
        return result.out();
    }
}
