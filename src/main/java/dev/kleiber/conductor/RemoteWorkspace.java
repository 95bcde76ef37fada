package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.Kind;
import dev.kleiber.routing.ChangedFile;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Claim;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.LeaseLostException;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The {@link Workspace} of a worker on another machine, for one claim: the repository is a cached clone of the
 * shared remote, fetched before the attempt starts; work is pushed back to the task's branch, and merges are
 * pushed to the remote's main.
 *
 * <p>Fencing reaches git: at {@link #open} the claim pushes a fence token (an empty commit naming its fence) to
 * {@code refs/kleiber/fences/RUN/TASK}, refusing to start if the remote already holds a newer one. Every later
 * push is atomic with a {@code --force-with-lease} on that token: once a newer holder has pushed its own token,
 * a stale holder's push — of the branch or of main — is refused by git itself. Main moves only under the
 * remote's merge lease (one merger at a time, elected in the store), with a lease on main's commit as fetched.
 */
public final class RemoteWorkspace implements Workspace {
    static final String FENCE_REFS = "refs/kleiber/fences/";
    private static final String FENCE_TRAILER = "Kleiber-Fence";
    /** The trailer of the commit that brings a merged task's records to main (not {@code Kleiber-Task}: not its work). */
    static final String RECORDS_TRAILER = "Kleiber-Records";
    private static final int PUSH_TRIES = 5;

    private final RemoteGit remote;
    private final GitRepository git;
    private final GitWorkspace local;
    private final Store store;
    private final Claim claim;
    private final Duration mergeWait;
    private final String main;
    private final Path worktrees;
    private final Set<String> roles;
    private final Clock clock;
    /** Per task: the fence token this claim pushed, and the branch's remote tip as this claim last knew it. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, Optional<String>> branchTips = new ConcurrentHashMap<>();
    /** Per task a person approved ({@link #openForReview}): who, for the records commit's trailer. */
    private final Map<String, String> approvedBy = new ConcurrentHashMap<>();

    private RemoteWorkspace(RemoteGit remote, GitRepository git, Path worktrees, Store store, Claim claim,
                            Set<String> roles, Clock clock, Duration mergeWait, String main) {
        this.remote = remote;
        this.git = git;
        this.local = new GitWorkspace(git, remote.clone(), worktrees,
                new Merger(git, store.merges(), remote.clone(), roles, clock, main));
        this.main = main;
        this.worktrees = worktrees.toAbsolutePath().normalize();
        this.roles = Set.copyOf(roles);
        this.clock = clock;
        this.store = store;
        this.claim = claim;
        this.mergeWait = mergeWait;
    }

    /**
     * The workspace of {@code claim}: the clone of {@code remote}, attempts' worktrees under {@code worktrees} (a
     * folder of this worker's cache), merges into {@code main} (the project's main branch) waiting at most
     * {@code mergeWait} for the merge lease.
     */
    public static RemoteWorkspace forClaim(RemoteGit remote, Path worktrees, Store store, Claim claim, Set<String> roles,
                                           Clock clock, Duration mergeWait, String main) {
        GitRepository git = new GitRepository(remote.clone(), worktrees.resolve("_merge"));
        return new RemoteWorkspace(remote, git, worktrees, store, claim, roles, clock, mergeWait, main);
    }

    /**
     * Removes every attempt's worktree under {@code worktrees}, for a worker that starts on its cache: nothing runs
     * there yet, so each one is what a killed process left (its task went to another worker when its lease lapsed).
     * Returns how many it removed.
     */
    public static int clearLeftovers(RemoteGit remote, Path worktrees) {
        if (!Files.isDirectory(worktrees)) {
            return 0;
        }
        GitRepository git = new GitRepository(remote.clone(), worktrees.resolve("_merge"));
        List<Path> left;
        try (Stream<Path> folders = Files.list(worktrees)) {
            left = folders.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw KleiberException.failed("cannot list " + worktrees + ": " + e.getMessage(), e);
        }
        left.forEach(git::removeWorktree);
        git.pruneWorktrees();
        // the scratch worktrees of a merge ("_merge", "_records") are not attempts
        return (int) left.stream().filter(p -> !p.getFileName().toString().startsWith("_")).count();
    }

    private String fenceRef(RoutedTask task) {
        return FENCE_REFS + claim.task().runId() + "/" + task.id();
    }

    private long fence() {
        return claim.lease().fence();
    }

    @Override
    public Path open(RoutedTask task, int attempt) {
        takeFence(task);
        syncMain();
        // worktrees are added and removed holding the clone's monitor: never while another slot fetches
        synchronized (remote) {
            local.tidy(List.of(task));
            // the task's branch as the remote has it: an earlier attempt's pushed work, wherever it ran
            Optional<String> branch = remote.track(task.branch());
            branchTips.put(task.id(), branch);
            return local.open(task, attempt);
        }
    }

    /**
     * Fetches, then pushes this claim's fence token to the task's fence ref; refused (as a lost lease) when the remote
     * already holds a newer fence. From then on a push of an older holder is refused by git.
     */
    private void takeFence(RoutedTask task) {
        remote.fetch();
        Optional<String> theirs = remote.commitOf(RemoteGit.FENCES + "fences/" + claim.task().runId() + "/" + task.id());
        long newest = theirs.map(this::fenceOf).orElse(0L);
        if (newest >= fence()) {
            throw new LeaseLostException("task " + task.id() + ": the remote holds fence " + newest + ", this claim has "
                    + fence() + "; a newer holder has it");
        }
        String token = remote.token("fence " + fence() + " of " + task.id() + "\n\n" + FENCE_TRAILER + ": " + fence()
                + "\nKleiber-Holder: " + claim.lease().holder());
        if (remote.push(List.of(new RemoteGit.Update(token, fenceRef(task), theirs))) instanceof RemoteGit.Push.Refused refused) {
            throw new LeaseLostException("task " + task.id() + ": another holder moved the fence while this claim took it: "
                    + refused.reason());
        }
        tokens.put(task.id(), token);
    }

    /**
     * For a person's approval of {@code task}, whose claim is a review lease ({@code Tasks.leaseForReview}): takes the
     * task's fence on the remote as {@link #open} does, so a worker that still thinks it holds the task can no longer
     * push, and makes the remote's branch the local one, without a worktree. Returns the branch's tip on the remote.
     * {@code decidedBy} is recorded on main with the task's records, as an approval on one machine records it.
     */
    Optional<String> openForReview(RoutedTask task, String decidedBy) {
        synchronized (remote) {
            approvedBy.put(task.id(), decidedBy);
            takeFence(task);
            syncMain();
            Optional<String> branch = remote.track(task.branch());
            branchTips.put(task.id(), branch);
            return branch;
        }
    }

    private long fenceOf(String token) {
        for (String line : remote.message(token).lines().toList()) {
            if (line.startsWith(FENCE_TRAILER + ": ")) {
                return Long.parseLong(line.substring(FENCE_TRAILER.length() + 2).strip());
            }
        }
        return 0;
    }

    /** The local main becomes the remote's (as last fetched). */
    private String syncMain() {
        String tip = remote.commitOf(RemoteGit.BRANCHES + main).orElseThrow(() -> KleiberException.failed(
                "the remote " + remote.url() + " has no branch " + main));
        remote.setRef("refs/heads/" + main, Optional.of(tip));
        return tip;
    }

    /**
     * Pushes the task's branch if it has commits the remote lacks, fenced by this claim's token: refused (as a
     * lost lease) once a newer holder took the task.
     */
    void pushBranch(RoutedTask task) {
        String token = tokens.get(task.id());
        if (token == null) {
            throw new LeaseLostException("task " + task.id() + ": this claim never took the fence, so it may not push");
        }
        String tip = local.tip(task);
        Optional<String> known = branchTips.getOrDefault(task.id(), Optional.empty());
        if (known.equals(Optional.of(tip))) {
            return;
        }
        RemoteGit.Push pushed = remote.push(List.of(
                new RemoteGit.Update(tip, "refs/heads/" + task.branch(), known),
                new RemoteGit.Update(token, fenceRef(task), Optional.of(token))));
        if (pushed instanceof RemoteGit.Push.Refused refused) {
            throw new LeaseLostException("task " + task.id() + ": the push of " + task.branch() + " by fence " + fence()
                    + " was refused (a newer holder has the task, or its branch moved): " + refused.reason());
        }
        branchTips.put(task.id(), Optional.of(tip));
    }

    @Override
    public void close(RoutedTask task, int attempt) {
        try {
            // a cancelled task's work is kept by no one: nothing is pushed once its run is cancelled
            if (tokens.containsKey(task.id()) && local.hasBranch(task) && !cancelled(task)) {
                // what this attempt committed is the next attempt's start, on whichever worker it runs
                pushBranch(task);
            }
        } finally {
            synchronized (remote) {
                local.close(task, attempt);
            }
        }
    }

    private boolean cancelled(RoutedTask task) {
        return store.tasks().find(claim.task().runId(), task.id()).map(t -> t.state() == TaskState.CANCELLED).orElse(false);
    }

    @Override
    public void clean(RoutedTask task, Path worktree) {
        local.clean(task, worktree);
    }

    @Override
    public void tidy(Collection<RoutedTask> finished) {
        synchronized (remote) {
            local.tidy(finished);
        }
    }

    @Override
    public void recover() {
        synchronized (remote) {
            local.recover();
        }
    }

    @Override
    public String tip(RoutedTask task) {
        return local.tip(task);
    }

    @Override
    public List<Path> changedPaths(RoutedTask task) {
        return local.changedPaths(task);
    }

    @Override
    public List<ChangedFile> diff(RoutedTask task) {
        return local.diff(task);
    }

    @Override
    public boolean isMerged(String runId, RoutedTask task) {
        // a merge whose push landed but whose record did not is found on the remote's main
        remote.fetch();
        syncMain();
        // a task whose conflict a resolution task landed is merged through it: judged by its branch as pushed
        Optional<String> pushed = remote.commitOf(RemoteGit.BRANCHES + task.branch());
        if (pushed.isPresent()) {
            synchronized (remote) {
                remote.setRef("refs/heads/" + task.branch(), pushed);
            }
        }
        return local.isMerged(runId, task);
    }

    /**
     * Pushes the branch, then, holding the remote's merge lease, merges it into the remote's main as fetched and
     * pushes main with a lease on that commit and on this claim's fence token. Main moved meanwhile (a person
     * pushed): fetched and merged again, a few times.
     */
    @Override
    public MergeResult merge(String runId, RoutedTask task, int attempt) {
        requireHeld(task);
        pushBranch(task);
        try (LeaseKeeper ignored = MergeLease.take(store, remote.url(), claim.lease().holder(), mergeWait)) {
            for (int i = 0; i < PUSH_TRIES; i++) {
                synchronized (remote) {
                    // the merge and the records use scratch worktrees of the clone: no other slot fetches meanwhile
                    Optional<MergeResult> result = mergeOnce(runId, task, attempt);
                    if (result.isPresent()) {
                        return result.get();
                    }
                }
            }
            throw KleiberException.failed("main on " + remote.url() + " kept moving: " + PUSH_TRIES + " merges of "
                    + task.id() + " were refused");
        }
    }

    /** One merge of the task into main as fetched now, pushed; empty when main moved before the push landed. */
    private Optional<MergeResult> mergeOnce(String runId, RoutedTask task, int attempt) {
        remote.fetch();
        String before = syncMain();
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put(Merger.TASK_TRAILER, task.id());
        trailers.put("Kleiber-Attempt", String.valueOf(attempt));
        trailers.put(Merger.RUN_TRAILER, runId);
        store.merges().intend(runId, task.id(), attempt, before);
        switch (git.merge(task.branch(), main, before, CommitMessage.of("Merge " + task.id() + ": "
                + task.task().title(), trailers))) {
            case dev.kleiber.git.MergeResult.Conflicted conflicted -> {
                store.merges().abandon(runId, task.id());
                return Optional.of(new MergeResult.Conflicted(conflicted.files()));
            }
            case dev.kleiber.git.MergeResult.Merged merged -> {
                String landing = withRecords(task, merged.commit());
                requireHeld(task);
                RemoteGit.Push pushed = remote.push(List.of(
                        new RemoteGit.Update(landing, "refs/heads/" + main, Optional.of(before)),
                        new RemoteGit.Update(tokens.get(task.id()), fenceRef(task), Optional.of(tokens.get(task.id())))));
                if (pushed instanceof RemoteGit.Push.Pushed) {
                    store.merges().done(runId, task.id(), landing);
                    return Optional.of(new MergeResult.Merged(landing));
                }
                store.merges().abandon(runId, task.id());
                remote.fetch();
                if (!remote.commitOf(RemoteGit.FENCES + "fences/" + runId + "/" + task.id())
                        .equals(Optional.of(tokens.get(task.id())))) {
                    throw new LeaseLostException("task " + task.id() + ": a newer holder took it; the push of main "
                            + "by fence " + fence() + " was refused");
                }
                return Optional.empty();
            }
        }
    }

    /**
     * The merge of {@code task} with its records on top: its task, started and done files as its attempts wrote them
     * in this cache's checkout, and what the scribe makes of them (its CHANGELOG entry, its ADRs), committed in a
     * scratch worktree of the merge. Pushed with the merge in one atomic push, they reach the remote's main exactly
     * when the task does, written by the one process that holds the merge lease; the scribe's entry is keyed by the
     * task, so a merge tried again never writes it twice. The merge itself when there is nothing to record.
     */
    private String withRecords(RoutedTask task, String merge) {
        Path scratch = worktrees.resolve("_records");
        git.removeWorktree(scratch);
        git.addDetachedWorktree(scratch, merge);
        try {
            for (Kind kind : List.of(Kind.TASK, Kind.STARTED, Kind.COMPLETE)) {
                Path relative = new FileLocation(kind, task.agent(), task.id()).relativePath();
                Path written = remote.clone().resolve(relative);
                if (Files.isRegularFile(written, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(scratch.resolve(relative).getParent());
                    Files.copy(written, scratch.resolve(relative), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            new Merger(git, store.merges(), scratch, roles, clock, main).record(task, claim.task().tier().id());
            Map<String, String> trailers = new LinkedHashMap<>();
            trailers.put(RECORDS_TRAILER, task.id());
            Optional.ofNullable(approvedBy.get(task.id())).ifPresent(by -> trailers.put("Kleiber-Decided-By", by));
            return git.inWorktree(scratch).commitAll(scratch, CommitMessage.of("Record " + task.id() + ": "
                    + task.task().title(), trailers)).orElse(merge);
        } catch (IOException e) {
            throw KleiberException.failed("cannot copy the records of " + task.id() + " into the merge: " + e.getMessage(), e);
        } finally {
            git.removeWorktree(scratch);
        }
    }

    /**
     * Refuses, as a lost lease, to push for a claim that no longer holds its task: its run was cancelled (ADR 0137) or
     * its lease lapsed. Asked just before a push, so the window in which a cancel can still see a merge land is that
     * of one push.
     */
    private void requireHeld(RoutedTask task) {
        if (!store.tasks().holds(claim)) {
            throw new LeaseLostException("task " + task.id() + ": this claim (fence " + fence() + ") no longer holds "
                    + "the task (its run was cancelled, or its lease lapsed); nothing is pushed");
        }
    }

    /** The conductor documents merges (CHANGELOG, done files) in its own checkout; a worker records nothing. */
    @Override
    public void recordMerged(RoutedTask task, Tier tier) {
    }

    @Override
    public String writeConflict(RoutedTask task, List<String> files) {
        return local.writeConflict(task, files);
    }

    @Override
    public String writeBlocked(BlockedFile file) {
        return local.writeBlocked(file);
    }

    @Override
    public boolean hasBranch(RoutedTask task) {
        return local.hasBranch(task) || remote.commitOf(RemoteGit.BRANCHES + task.branch()).isPresent();
    }

    @Override
    public void dropBranch(RoutedTask task) {
        local.dropBranch(task);
    }

    @Override
    public List<String> branchWithConflicts(String resolutionId, String branch, RoutedTask original) {
        return local.branchWithConflicts(resolutionId, branch, original);
    }
}
