package dev.kleiber.validate;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the linter asks git: the local branch names and which files git does not ignore. Read-only. */
public final class LocalGit {
    private static final long TIMEOUT_SECONDS = 30;
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

    /** Tracked files and untracked files that git does not ignore, relative to the root, {@code /}-separated. */
    public Set<String> unignoredFiles() {
        String output = run("ls-files", "-z", "--cached", "--others", "--exclude-standard");
        Set<String> files = new LinkedHashSet<>();
        Arrays.stream(output.split("\0")).filter(s -> !s.isEmpty()).forEach(files::add);
        return files;
    }

    private String run(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().put("GIT_OPTIONAL_LOCKS", "0");
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw KleiberException.failed("cannot run git: " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String out = readAll(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw KleiberException.failed("git " + args[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw KleiberException.failed("git " + args[0] + " failed in " + root + ": " + err.join().strip());
            }
            return out;
        } catch (IOException e) {
            throw KleiberException.failed("cannot run git: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw KleiberException.failed("interrupted while running git " + args[0]);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
