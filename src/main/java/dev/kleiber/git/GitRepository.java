package dev.kleiber.git;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A repository driven through the {@code git} command line. Kleiber's own git calls run with hooks
 * disabled, no signing prompts and no terminal prompts; commits fall back to a Kleiber identity only
 * when the repository has none. Merges are made without a checkout, so that a user's checkout is only
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
    /** The configuration's names, read once per change of its files for this repository and its worktrees. */
    private final ConfigNames configNames;

    /**
     * @param root          the main worktree of the repository
     * @param mergeWorktree a path in Kleiber's worktree folder (git-ignored by the project), where merges were once
     *                      prepared: a folder under that folder that git never registered may be deleted as a
     *                      worktree add cut short
     */
    public GitRepository(Path root, Path mergeWorktree) {
        this(root, mergeWorktree, DEFAULT_TIMEOUT);
    }

    public GitRepository(Path root, Path mergeWorktree, Duration timeout) {
        this.root = root.toAbsolutePath().normalize();
        this.mergeWorktree = mergeWorktree.toAbsolutePath().normalize();
        this.timeout = timeout;
        this.configNames = ConfigNames.cached();
        GitProcess.Result top = run(this.root, List.of("rev-parse", "--show-toplevel"), Optional.empty());
        if (top.exitCode() != 0) {
            throw KleiberException.badInput(this.root + " is not a git repository: " + top.err().strip());
        }
        boolean hasIdentity = run(this.root, List.of("config", "user.email"), Optional.empty()).exitCode() == 0;
        this.identity = hasIdentity ? List.of() : List.of("-c", "user.name=Kleiber", "-c", "user.email=kleiber@localhost");
    }

    private GitRepository(Path root, Path mergeWorktree, Duration timeout, List<String> identity,
                          ConfigNames configNames) {
        this.root = root;
        this.mergeWorktree = mergeWorktree;
        this.timeout = timeout;
        this.identity = identity;
        this.configNames = configNames;
    }

    /**
     * The same repository seen from {@code worktree}, one of its worktrees that Kleiber just added: no git call,
     * where the public constructor asks git twice (is it a repository, has it an identity).
     */
    public GitRepository inWorktree(Path worktree) {
        return new GitRepository(worktree.toAbsolutePath().normalize(), mergeWorktree, timeout, identity, configNames);
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
            List<String> add = branchExists(branch)
                    ? List.of("worktree", "add", "--quiet", target.toString(), branch)
                    : List.of("worktree", "add", "--quiet", "-b", branch, target.toString(), base);
            GitProcess.Result added = run(root, add, Optional.empty());
            if (added.exitCode() != 0 && added.err().contains("already registered")) {
                // a worktree folder a crash (or a removal that had to delete it by hand) left registered: prune, retry
                ok(root, "worktree", "prune");
                added = run(root, add, Optional.empty());
            }
            check(add, added);
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

    /**
     * Removes a worktree and whatever is in it; the branch stays. One git call: a folder git never registered (a
     * worktree add cut short by a crash) is deleted by hand, only ever inside Kleiber's own folder; its stale
     * registration, if any, goes with the next {@link #pruneWorktrees()} or add.
     */
    public void removeWorktree(Path path) {
        Path target = path.toAbsolutePath().normalize();
        synchronized (worktreeLock) {
            GitProcess.Result removed = run(root, List.of("worktree", "remove", "--force", "--force", target.toString()),
                    Optional.empty());
            if (removed.exitCode() != 0 && target.startsWith(mergeWorktree.getParent())
                    && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(target);
            }
        }
    }

    /**
     * Removes from a linked worktree everything its checked-out commit does not hold: untracked and ignored files and
     * folders alike ({@code git clean -ffdx}; a symbolic link is removed, never followed). Refused for the
     * repository's own checkout, whose ignored files are the person's (and Kleiber's store).
     */
    public void cleanWorktree(Path worktree) {
        Path target = worktree.toAbsolutePath().normalize();
        try {
            if (target.toRealPath().equals(root.toRealPath()) || !Files.isRegularFile(target.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                throw KleiberException.failed("refusing to clean " + target + ": it is not a linked worktree of " + root);
            }
        } catch (IOException e) {
            throw KleiberException.failed("cannot clean " + target + ": " + e.getMessage(), e);
        }
        ok(target, "clean", "-ffdxq");
    }

    /** Forgets worktrees whose folders are gone: once per run, not per task. */
    public void pruneWorktrees() {
        synchronized (worktreeLock) {
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
        String staged = ok(worktree, "diff", "--cached", "--raw", "--no-renames", "-z");
        List<String> gitlinks = gitlinks(staged);
        for (String gitlink : gitlinks) {
            ok(worktree, "reset", "--quiet", "--", gitlink);
        }
        boolean nothing = gitlinks.isEmpty() ? staged.isEmpty()
                : run(worktree, List.of("diff", "--cached", "--quiet"), Optional.empty()).exitCode() == 0;
        if (nothing) {
            return Optional.empty();
        }
        List<String> commit = new ArrayList<>(identity);
        commit.addAll(List.of("commit", "--quiet", "--no-verify", "--file", "-"));
        check(commit, run(worktree, commit, Optional.of(message.text())));
        return Optional.of(ok(worktree, "rev-parse", "HEAD").strip());
    }

    /**
     * Commits what changed in {@code checkout} under {@code prefixes} (files or folders, relative to it) and nothing
     * else: what a person has staged or changed elsewhere stays as it was. Empty when nothing changed there.
     */
    public Optional<String> commitPaths(Path checkout, List<String> prefixes, CommitMessage message) {
        List<String> changed = pendingPaths(checkout).stream()
                .filter(path -> prefixes.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))).toList();
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        List<String> add = new ArrayList<>(List.of("add", "--all", "--"));
        add.addAll(changed);
        ok(checkout, add.toArray(String[]::new));
        List<String> commit = new ArrayList<>(identity);
        commit.addAll(List.of("commit", "--quiet", "--no-verify", "--file", "-", "--only", "--"));
        commit.addAll(changed);
        check(commit, run(checkout, commit, Optional.of(message.text())));
        return Optional.of(ok(checkout, "rev-parse", "HEAD").strip());
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

    /** Paths {@code staged} (a {@code diff --cached --raw -z}) adds as new nested repositories (mode 160000). */
    private static List<String> gitlinks(String staged) {
        List<String> links = new ArrayList<>();
        for (String entry : staged.split("\0:")) {
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
        return changes(from + ".." + to);
    }

    /** What changed over {@code range} ({@code A..B}; {@code A...B} is B since it left A), by file. */
    public List<FileChange> changes(String range) {
        String out = ok(root, "diff", "--name-status", "--no-renames", "-z", range, "--");
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

    /** The unified diff over {@code range} ({@code A...B}: what B changed since it left A). */
    public String diff(String range) {
        return ok(root, "diff", "--stat", "--patch", range, "--");
    }

    /** The files git tracks at {@code HEAD} of the main worktree, as paths relative to its root. */
    public List<String> trackedFiles() {
        return List.of(ok(root, "ls-files", "-z").split("\0")).stream().filter(path -> !path.isEmpty()).toList();
    }

    /** The full message of a commit. */
    public String message(String commit) {
        return ok(root, "log", "-1", "--format=%B", commit);
    }

    /**
     * The commits of {@code revisions} (a branch, or a range such as {@code A..main}) whose trailer {@code key}
     * has {@code value}, newest first.
     */
    public List<String> commitsWithTrailer(String revisions, String key, String value) {
        return commitsWithTrailers(revisions, Map.of(key, value));
    }

    /** The commits of {@code revisions} that carry every trailer of {@code required} with its value, newest first. */
    public List<String> commitsWithTrailers(String revisions, Map<String, String> required) {
        String out = ok(root, "log", "--format=%x1e%H%n%(trailers:only,unfold)", revisions, "--");
        List<String> found = new ArrayList<>();
        for (String entry : out.split("\u001e")) {
            List<String> lines = entry.lines().toList();
            if (lines.isEmpty()) {
                continue;
            }
            Map<String, List<String>> trailers = new HashMap<>();
            lines.stream().skip(1).map(line -> line.split(":", 2)).filter(kv -> kv.length == 2)
                    .forEach(kv -> trailers.computeIfAbsent(kv[0].strip(), k -> new ArrayList<>()).add(kv[1].strip()));
            if (required.entrySet().stream().allMatch(r -> trailers.getOrDefault(r.getKey(), List.of()).contains(r.getValue()))) {
                found.add(lines.getFirst().strip());
            }
        }
        return found;
    }

    /**
     * Merges {@code branch} into {@code target} with a merge commit carrying {@code message}. The merge is made
     * without a checkout ({@code git merge-tree --write-tree}, then {@code commit-tree}): nothing is added under
     * the project, and a crash leaves at most an unreferenced commit. On success {@code target} moves forward (the
     * user's checkout of it, if any, is fast-forwarded and refuses to lose local changes); on a conflict nothing
     * changes.
     */
    public MergeResult merge(String branch, String target, CommitMessage message) {
        return merge(branch, target, commitOf("refs/heads/" + target), message);
    }

    /** {@link #merge(String, String, CommitMessage)} onto {@code target} as the caller read it: {@code before}. */
    public MergeResult merge(String branch, String target, String before, CommitMessage message) {
        List<String> mergeTree = List.of("merge-tree", "--write-tree", "--name-only", "--no-messages", "-z",
                before, "refs/heads/" + branch);
        GitProcess.Result merged = run(root, mergeTree, Optional.empty());
        if (merged.exitCode() > 1) {
            throw failure(mergeTree, merged);
        }
        List<String> fields = List.of(merged.out().split("\0"));
        if (merged.exitCode() == 1) {
            return new MergeResult.Conflicted(fields.stream().skip(1).filter(f -> !f.isBlank()).distinct().toList());
        }
        List<String> commit = new ArrayList<>(identity);
        commit.addAll(List.of("commit-tree", fields.getFirst().strip(), "-p", before, "-p", "refs/heads/" + branch,
                "-F", "-"));
        String after = check(commit, run(root, commit, Optional.of(message.text()))).out().strip();
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

    private void advance(String target, String before, String after) {
        Optional<Path> checkedOut = checkoutOf(target);
        if (checkedOut.isPresent()) {
            GitProcess.Result ff = run(checkedOut.get(), List.of("merge", "--ff-only", "--quiet", after), Optional.empty());
            if (ff.exitCode() != 0) {
                throw new CheckoutInTheWayException("the merge into " + target + " is ready (" + after.substring(0, 12)
                        + ") but " + checkedOut.get() + " could not be fast-forwarded to it: "
                        + ff.err().strip() + ". Commit or stash your changes there and run again.", checkedOut.get());
            }
            return;
        }
        ok(root, "update-ref", "refs/heads/" + target, after, before);
    }

    /**
     * The worktree that has {@code branch} checked out, if any. Read from the files {@code git worktree list} reads
     * ({@code .git/HEAD}, {@code .git/worktrees/NAME/HEAD} and {@code gitdir}) rather than starting git at every
     * merge; a repository laid out otherwise (the root itself a linked worktree) asks git.
     */
    private Optional<Path> checkoutOf(String branch) {
        Path gitDir = root.resolve(".git");
        if (!Files.isDirectory(gitDir, LinkOption.NOFOLLOW_LINKS)) {
            return worktrees().stream().filter(w -> w.branch().equals(Optional.of(branch))).map(Worktree::path).findFirst();
        }
        String ref = "ref: refs/heads/" + branch;
        try {
            if (Files.readString(gitDir.resolve("HEAD")).strip().equals(ref)) {
                return Optional.of(root);
            }
            Path linked = gitDir.resolve("worktrees");
            if (!Files.isDirectory(linked)) {
                return Optional.empty();
            }
            try (Stream<Path> admins = Files.list(linked)) {
                for (Path admin : admins.toList()) {
                    Path head = admin.resolve("HEAD");
                    Path gitdir = admin.resolve("gitdir");
                    if (Files.isRegularFile(head) && Files.isRegularFile(gitdir)
                            && Files.readString(head).strip().equals(ref)) {
                        Path worktree = Path.of(Files.readString(gitdir).strip()).getParent();
                        if (worktree != null && Files.isDirectory(worktree)) {
                            return Optional.of(worktree);
                        }
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw KleiberException.failed("cannot read which worktree has " + branch + " checked out: " + e.getMessage(), e);
        }
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
        return GitProcess.run(dir, args, input, timeout, configNames);
    }
}
