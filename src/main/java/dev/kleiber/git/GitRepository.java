package dev.kleiber.git;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A repository driven through the {@code git} command line. Kleiber's own git calls run with hooks
 * disabled, no signing prompts and no terminal prompts; commits fall back to a Kleiber identity only
 * when the repository has none. Merges happen in a scratch worktree so that a user's checkout is only
 * ever fast-forwarded, never left half-merged.
 */
public final class GitRepository {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private final Path root;
    private final Path mergeWorktree;
    /**
     * git's worktree add, remove and prune race each other: a prune while another thread's add is half done
     * deletes that worktree's admin folder ("could not open .git/worktrees/X/locked"). One repository object
     * serves a whole run, so they take turns here.
     */
    private final Object worktreeLock = new Object();
    private final Duration timeout;
    private final List<String> identity;

    /**
     * @param root          the main worktree of the repository
     * @param mergeWorktree where merges are prepared (a folder git-ignored by the project, created on demand)
     */
    public GitRepository(Path root, Path mergeWorktree) {
        this(root, mergeWorktree, DEFAULT_TIMEOUT);
    }

    public GitRepository(Path root, Path mergeWorktree, Duration timeout) {
        this.root = root.toAbsolutePath().normalize();
        this.mergeWorktree = mergeWorktree.toAbsolutePath().normalize();
        this.timeout = timeout;
        GitProcess.Result top = run(this.root, List.of("rev-parse", "--show-toplevel"), Optional.empty());
        if (top.exitCode() != 0) {
            throw KleiberException.badInput(this.root + " is not a git repository: " + top.err().strip());
        }
        boolean hasIdentity = run(this.root, List.of("config", "user.email"), Optional.empty()).exitCode() == 0;
        this.identity = hasIdentity ? List.of() : List.of("-c", "user.name=Kleiber", "-c", "user.email=kleiber@localhost");
    }

    public Path root() {
        return root;
    }

    /** The commit {@code revision} names. */
    public String commitOf(String revision) {
        return ok(root, "rev-parse", "--verify", "--quiet", revision + "^{commit}").strip();
    }

    public Optional<String> currentBranch(Path worktree) {
        GitProcess.Result result = run(worktree, List.of("symbolic-ref", "--quiet", "--short", "HEAD"), Optional.empty());
        return result.exitCode() == 0 ? Optional.of(result.out().strip()) : Optional.empty();
    }

    public boolean branchExists(String branch) {
        return run(root, List.of("show-ref", "--verify", "--quiet", "refs/heads/" + branch), Optional.empty())
                .exitCode() == 0;
    }

    public void deleteBranch(String branch) {
        ok(root, "branch", "-D", "--", branch);
    }

    /** Is {@code ancestor} reachable from {@code descendant}? */
    public boolean isAncestor(String ancestor, String descendant) {
        GitProcess.Result result = run(root, List.of("merge-base", "--is-ancestor", ancestor, descendant), Optional.empty());
        if (result.exitCode() > 1) {
            throw failure(List.of("merge-base", "--is-ancestor", ancestor, descendant), result);
        }
        return result.exitCode() == 0;
    }

    /**
     * A worktree at {@code path} on {@code branch}. An existing branch is checked out as it is (a restarted
     * attempt continues from its last commit); a new one starts at {@code base}.
     */
    public Worktree addWorktree(Path path, String branch, String base) {
        Path target = path.toAbsolutePath().normalize();
        synchronized (worktreeLock) {
            if (branchExists(branch)) {
                ok(root, "worktree", "add", "--quiet", target.toString(), branch);
            } else {
                ok(root, "worktree", "add", "--quiet", "-b", branch, target.toString(), base);
            }
        }
        return new Worktree(target, Optional.of(branch), commitOf(branch));
    }

    /** A worktree at {@code path} with {@code commit} checked out on no branch, for reading a commit as it is. */
    public Worktree addDetachedWorktree(Path path, String commit) {
        Path target = path.toAbsolutePath().normalize();
        synchronized (worktreeLock) {
            ok(root, "worktree", "add", "--quiet", "--detach", target.toString(), commit);
        }
        return new Worktree(target, Optional.empty(), commitOf(commit));
    }

    /** Removes a worktree and whatever is in it; the branch stays. Missing worktrees are pruned quietly. */
    public void removeWorktree(Path path) {
        Path target = path.toAbsolutePath().normalize();
        synchronized (worktreeLock) {
            if (worktrees().stream().anyMatch(w -> w.path().equals(target))) {
                ok(root, "worktree", "remove", "--force", "--force", target.toString());
            } else if (target.startsWith(mergeWorktree.getParent()) && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                // a folder git never registered: a worktree add cut short by a crash; only ever in Kleiber's own folder
                deleteTree(target);
            }
            ok(root, "worktree", "prune");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw KleiberException.failed("cannot remove the unfinished worktree " + dir + ": " + e.getMessage(), e);
        }
    }

    public List<Worktree> worktrees() {
        List<Worktree> worktrees = new ArrayList<>();
        Path path = null;
        String head = "";
        Optional<String> branch = Optional.empty();
        for (String line : (ok(root, "worktree", "list", "--porcelain") + "\n").split("\n", -1)) {
            if (line.startsWith("worktree ")) {
                path = Path.of(line.substring("worktree ".length()));
            } else if (line.startsWith("HEAD ")) {
                head = line.substring("HEAD ".length());
            } else if (line.startsWith("branch ")) {
                branch = Optional.of(line.substring("branch ".length()).replaceFirst("^refs/heads/", ""));
            } else if (line.isEmpty() && path != null) {
                worktrees.add(new Worktree(path, branch, head));
                path = null;
                head = "";
                branch = Optional.empty();
            }
        }
        return worktrees;
    }

    /**
     * Stages everything in {@code worktree} and commits it; empty when there was nothing to commit. A git
     * repository nested in the worktree (a command can {@code git init} one) is left out: it would land on
     * main as a gitlink to commits nobody reviewed.
     */
    public Optional<String> commitAll(Path worktree, CommitMessage message) {
        ok(worktree, "add", "--all");
        for (String gitlink : newGitlinks(worktree)) {
            ok(worktree, "reset", "--quiet", "--", gitlink);
        }
        GitProcess.Result staged = run(worktree, List.of("diff", "--cached", "--quiet"), Optional.empty());
        if (staged.exitCode() == 0) {
            return Optional.empty();
        }
        List<String> commit = new ArrayList<>(identity);
        commit.addAll(List.of("commit", "--quiet", "--no-verify", "--file", "-"));
        check(commit, run(worktree, commit, Optional.of(message.text())));
        return Optional.of(ok(worktree, "rev-parse", "HEAD").strip());
    }

    /**
     * The paths {@link #commitAll} would commit in {@code worktree}: changed, deleted and new files git does not
     * ignore, relative to the worktree, each file of a new folder listed.
     */
    public List<String> pendingPaths(Path worktree) {
        List<String> paths = new ArrayList<>();
        for (String entry : ok(worktree, "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all")
                .split("\0")) {
            if (entry.length() > 3) {
                paths.add(entry.substring(3));
            }
        }
        return paths;
    }

    /** Paths staged in {@code worktree} as new nested repositories (mode 160000). */
    private List<String> newGitlinks(Path worktree) {
        List<String> links = new ArrayList<>();
        for (String entry : ok(worktree, "diff", "--cached", "--raw", "--no-renames", "-z").split("\0:")) {
            String[] fields = entry.replaceFirst("^:", "").split("\0", 2);
            String[] modes = fields[0].split(" ");
            if (fields.length == 2 && modes.length > 1 && modes[1].equals("160000")) {
                links.add(fields[1].replaceFirst("\0$", ""));
            }
        }
        return links;
    }

    /** What changed between two commits, by file. */
    public List<FileChange> changes(String from, String to) {
        String out = ok(root, "diff", "--name-status", "--no-renames", "-z", from, to);
        String[] fields = out.split("\0");
        List<FileChange> changes = new ArrayList<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            FileChange.Kind kind = switch (fields[i].charAt(0)) {
                case 'A' -> FileChange.Kind.CREATED;
                case 'D' -> FileChange.Kind.DELETED;
                default -> FileChange.Kind.MODIFIED;
            };
            changes.add(new FileChange(fields[i + 1], kind));
        }
        return changes;
    }

    /** The unified diff between two commits, for a human reviewer. */
    public String diff(String from, String to) {
        return ok(root, "diff", "--stat", "--patch", from, to);
    }

    /** The files git tracks at {@code HEAD} of the main worktree, as paths relative to its root. */
    public List<String> trackedFiles() {
        return List.of(ok(root, "ls-files", "-z").split("\0")).stream().filter(path -> !path.isEmpty()).toList();
    }

    /** The full message of a commit. */
    public String message(String commit) {
        return ok(root, "log", "-1", "--format=%B", commit);
    }

    /** The commits on {@code branch} whose trailer {@code key} has {@code value}, newest first. */
    public List<String> commitsWithTrailer(String branch, String key, String value) {
        String out = ok(root, "log", "--format=%H%x09%(trailers:key=" + key + ",valueonly,separator=%x2C)", branch);
        return out.lines().map(line -> line.split("\t", 2))
                .filter(parts -> parts.length == 2 && List.of(parts[1].strip().split(",")).contains(value))
                .map(parts -> parts[0]).toList();
    }

    /**
     * Merges {@code branch} into {@code target} with a merge commit carrying {@code message}. The merge is
     * made in a scratch worktree; on success {@code target} moves forward (the user's checkout of it, if
     * any, is fast-forwarded and refuses to lose local changes); on a conflict nothing changes.
     */
    public MergeResult merge(String branch, String target, CommitMessage message) {
        String before = commitOf("refs/heads/" + target);
        prepareMergeWorktree(before);
        try {
            return mergeIn(branch, target, before, message);
        } finally {
            // a checkout left inside the project is found by test runners and linters run from its root
            synchronized (worktreeLock) {
                run(root, List.of("worktree", "remove", "--force", mergeWorktree.toString()), Optional.empty());
            }
        }
    }

    private MergeResult mergeIn(String branch, String target, String before, CommitMessage message) {
        List<String> merge = new ArrayList<>(identity);
        merge.addAll(List.of("merge", "--no-ff", "--no-verify", "--quiet", "-m", message.text(), branch));
        GitProcess.Result merged = run(mergeWorktree, merge, Optional.empty());
        if (merged.exitCode() != 0) {
            List<String> conflicted = ok(mergeWorktree, "diff", "--name-only", "--diff-filter=U").lines().toList();
            run(mergeWorktree, List.of("merge", "--abort"), Optional.empty());
            if (conflicted.isEmpty()) {
                throw failure(merge, merged);
            }
            return new MergeResult.Conflicted(conflicted);
        }
        String after = ok(mergeWorktree, "rev-parse", "HEAD").strip();
        advance(target, before, after);
        return new MergeResult.Merged(after);
    }

    /**
     * Merges {@code branch} into the branch checked out in {@code worktree} and commits the result as it is:
     * conflicting files keep git's conflict markers for someone to resolve on that branch. Returns the files
     * that conflicted (empty when the merge was clean).
     */
    public List<String> mergeKeepingConflicts(Path worktree, String branch, CommitMessage message) {
        List<String> merge = new ArrayList<>(identity);
        merge.addAll(List.of("merge", "--no-ff", "--no-commit", "--no-verify", "--quiet", branch));
        GitProcess.Result merged = run(worktree, merge, Optional.empty());
        List<String> conflicted = ok(worktree, "diff", "--name-only", "--diff-filter=U").lines().toList();
        if (merged.exitCode() != 0 && conflicted.isEmpty()) {
            run(worktree, List.of("merge", "--abort"), Optional.empty());
            throw failure(merge, merged);
        }
        ok(worktree, "add", "--all");
        List<String> commit = new ArrayList<>(identity);
        commit.addAll(List.of("commit", "--quiet", "--no-verify", "--allow-empty", "--file", "-"));
        check(commit, run(worktree, commit, Optional.of(message.text())));
        return conflicted;
    }

    private void prepareMergeWorktree(String commit) {
        synchronized (worktreeLock) {
            boolean registered = worktrees().stream().anyMatch(w -> w.path().equals(mergeWorktree));
            if (!registered) {
                ok(root, "worktree", "prune");
                ok(root, "worktree", "add", "--quiet", "--detach", mergeWorktree.toString(), commit);
                return;
            }
        }
        run(mergeWorktree, List.of("merge", "--abort"), Optional.empty());
        ok(mergeWorktree, "checkout", "--quiet", "--detach", "--force", commit);
        ok(mergeWorktree, "clean", "-fdq");
    }

    private void advance(String target, String before, String after) {
        Optional<Worktree> checkedOut = worktrees().stream()
                .filter(w -> w.branch().equals(Optional.of(target))).findFirst();
        if (checkedOut.isPresent()) {
            GitProcess.Result ff = run(checkedOut.get().path(), List.of("merge", "--ff-only", "--quiet", after), Optional.empty());
            if (ff.exitCode() != 0) {
                throw KleiberException.failed("the merge into " + target + " is ready (" + after.substring(0, 12)
                        + ") but " + checkedOut.get().path() + " could not be fast-forwarded to it: "
                        + ff.err().strip() + ". Commit or stash your changes there and run again.");
            }
            return;
        }
        ok(root, "update-ref", "refs/heads/" + target, after, before);
    }

    private String ok(Path dir, String... args) {
        List<String> list = List.of(args);
        return check(list, run(dir, list, Optional.empty())).out();
    }

    private static GitProcess.Result check(List<String> args, GitProcess.Result result) {
        if (result.exitCode() != 0) {
            throw failure(args, result);
        }
        return result;
    }

    private static KleiberException failure(List<String> args, GitProcess.Result result) {
        String detail = result.err().isBlank() ? result.out().strip() : result.err().strip();
        return KleiberException.failed("git " + String.join(" ", args) + " failed (exit " + result.exitCode()
                + "): " + detail);
    }

    private GitProcess.Result run(Path dir, List<String> args, Optional<String> input) {
        return GitProcess.run(dir, args, input, timeout);
    }
}
