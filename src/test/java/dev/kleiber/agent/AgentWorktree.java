package dev.kleiber.agent;

import dev.kleiber.testutil.GitRepos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real repository and a linked git worktree beside a sibling folder whose name extends the
 * worktree's ({@code t1} and {@code t1-evil}), with source files for both engineer roles and two
 * committed symlinks leading out of the worktree into the sibling (one relative, one absolute).
 * Git builds it once per test run; each test gets a copy with its absolute links re-pointed, which
 * is what {@code git worktree repair} would do, without nine git processes per test.
 */
record AgentWorktree(Path base, Path repo, Path worktree, Path evil) {
    private static AgentWorktree template;

    static synchronized AgentWorktree create(Path tempDir) {
        try {
            if (template == null) {
                Path dir = Files.createTempDirectory("kleiber-agent-template");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                template = build(dir);
            }
            return copyOf(template, tempDir.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AgentWorktree copyOf(AgentWorktree from, Path base) throws IOException {
        try (Stream<Path> paths = Files.walk(from.base())) {
            for (Path source : paths.toList()) {
                Path target = base.resolve(from.base().relativize(source).toString());
                if (Files.isSymbolicLink(source)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(source));
                } else if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        AgentWorktree copy = new AgentWorktree(base, base.resolve("repo"), base.resolve("t1"), base.resolve("t1-evil"));
        Files.writeString(copy.worktree().resolve(".git"), "gitdir: " + copy.repo().resolve(".git/worktrees/t1") + "\n");
        Files.writeString(copy.repo().resolve(".git/worktrees/t1/gitdir"), copy.worktree().resolve(".git") + "\n");
        for (Path root : List.of(copy.repo(), copy.worktree())) {
            Path link = root.resolve("src/backend/escape-abs");
            Files.delete(link);
            Files.createSymbolicLink(link, copy.evil());
        }
        return copy;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temp folder is harmless; the test run is over.
        }
    }

    private static AgentWorktree build(Path tempDir) {
        try {
            Path base = tempDir.toRealPath();
            Path repo = Files.createDirectories(base.resolve("repo"));
            Path evil = Files.createDirectories(base.resolve("t1-evil"));
            Files.writeString(evil.resolve("sentinel.txt"), "outside\n");
            GitRepos.init(repo);
            write(repo, "src/backend/app.js", "export const port = 8080;\n");
            write(repo, "src/frontend/ui.js", "export const title = 'Kleiber';\n");
            write(repo, ".kleiber/kleiber.yaml", "budget: 50\n");
            write(repo, "tasks/engineer-backend/t1.md", "# Task: t1\nAgent: engineer-backend\n");
            Files.createSymbolicLink(repo.resolve("src/backend/escape"), Path.of("../../../t1-evil"));
            Files.createSymbolicLink(repo.resolve("src/backend/escape-abs"), evil);
            Files.createSymbolicLink(repo.resolve("src/backend/alias"), Path.of("../frontend"));
            GitRepos.git(repo, "add", "-A");
            GitRepos.git(repo, "commit", "-q", "-m", "sample project");
            Path worktree = base.resolve("t1");
            GitRepos.git(repo, "worktree", "add", "-q", "-b", "feature/t1-sample", worktree.toString());
            return new AgentWorktree(base, repo, worktree, evil);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path root, String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** Every regular file under the sibling folder: proof that nothing was written outside. */
    long filesInEvil() {
        try (Stream<Path> files = Files.walk(evil)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository's hooks folder holds only git's samples. */
    boolean hooksUntouched() {
        try (Stream<Path> hooks = Files.list(repo.resolve(".git/hooks"))) {
            return hooks.allMatch(h -> h.getFileName().toString().endsWith(".sample"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
