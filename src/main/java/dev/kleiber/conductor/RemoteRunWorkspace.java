package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.routing.ChangedFile;
import dev.kleiber.routing.Tier;
import dev.kleiber.scribe.RunRecords;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link Workspace} of the conductor of a run on many machines ({@code kleiber run --remote}, its {@code resume},
 * {@code kleiber serve} with a remote). The workers hold the run's branches and its main on the shared remote, not in
 * the conductor's checkout; so what the conductor does to them goes to the remote, through the clone of it that
 * this machine's reviews of the remote's tasks use too, one process at a time (ADR 0139):
 * <ul>
 *   <li>a merge conflict's resolution branch is made from the remote's main and the task's pushed branch, and pushed,
 *       so a worker takes the resolution task as any other;</li>
 *   <li>a re-plan that restarts a task deletes its pushed branch;</li>
 *   <li>the session's summary (PROGRESS, the day's summary) is written into the remote's main and pushed under the
 *       merge lease, with a lease on main's commit, tried again when main moved.</li>
 * </ul>
 * The blocked files it receives and answers stay in its checkout, as on one machine; it never commits there: that
 * main is not the run's.
 */
final class RemoteRunWorkspace implements Workspace {
    private static final int PUSH_TRIES = 5;

    private final Workspace checkout;
    private final RemoteCache cache;
    private final String url;
    private final Store store;
    private final Set<String> roles;
    private final Clock clock;
    private final String main;
    private final Duration mergeWait;

    /**
     * @param checkout the conductor's own workspace (blocked files, answers)
     * @param cache    this machine's clone of the remote {@code url}, shared with reviews ({@link RemoteReview})
     */
    RemoteRunWorkspace(Workspace checkout, RemoteCache cache, String url, Store store, Set<String> roles, Clock clock,
                       String main, Duration mergeWait) {
        this.checkout = checkout;
        this.cache = cache;
        this.url = url;
        this.store = store;
        this.roles = Set.copyOf(roles);
        this.clock = clock;
        this.main = main;
        this.mergeWait = mergeWait;
    }

    /** What the clone is used for, run holding it alone (across threads and processes), freshly fetched. */
    private interface CacheWork<T> {
        T run(RemoteGit remote, GitRepository git, Path worktrees);
    }

    private <T> T inCache(CacheWork<T> work) {
        try (RemoteCache.Lock ignored = cache.lock(url)) {
            RemoteGit remote = cache.open(url);
            Path worktrees = cache.worktrees(url);
            remote.fetch();
            return work.run(remote, new GitRepository(remote.clone(), worktrees.resolve("_merge")), worktrees);
        }
    }

    @Override
    public boolean hasBranch(RoutedTask task) {
        return inCache((remote, git, worktrees) -> remote.commitOf(RemoteGit.BRANCHES + task.branch()).isPresent());
    }

    @Override
    public void dropBranch(RoutedTask task) {
        if (checkout.hasBranch(task)) {
            checkout.dropBranch(task);
        }
        inCache((remote, git, worktrees) -> {
            Optional<String> tip = remote.commitOf(RemoteGit.BRANCHES + task.branch());
            if (tip.isPresent() && remote.push(List.of(new RemoteGit.Update("", "refs/heads/" + task.branch(), tip)))
                    instanceof RemoteGit.Push.Refused refused) {
                throw KleiberException.failed("cannot delete " + task.branch() + " on " + remote.url()
                        + ": it moved meanwhile (" + refused.reason() + ")");
            }
            return null;
        });
    }

    /**
     * The resolution branch from the remote's main with {@code original}'s pushed branch merged in, conflicts committed,
     * pushed to the remote (replacing one an interrupted answer left there).
     */
    @Override
    public List<String> branchWithConflicts(String resolutionId, String branch, RoutedTask original) {
        return inCache((remote, git, worktrees) -> {
            remote.track(main).orElseThrow(() -> KleiberException.failed("the remote " + remote.url()
                    + " has no branch " + main));
            remote.track(original.branch()).orElseThrow(() -> KleiberException.failed("the remote " + remote.url()
                    + " has no branch " + original.branch() + " to resolve"));
            Optional<String> left = remote.commitOf(RemoteGit.BRANCHES + branch);
            GitWorkspace clone = new GitWorkspace(git, remote.clone(), worktrees,
                    new Merger(git, store.merges(), remote.clone(), roles, clock, main));
            List<String> files = clone.branchWithConflicts(resolutionId, branch, original);
            String tip = git.commitOf("refs/heads/" + branch);
            if (remote.push(List.of(new RemoteGit.Update(tip, "refs/heads/" + branch, left)))
                    instanceof RemoteGit.Push.Refused refused) {
                throw KleiberException.failed("cannot push the resolution branch " + branch + " to " + remote.url()
                        + ": " + refused.reason());
            }
            return files;
        });
    }

    /**
     * Writes the summary into the remote's main as fetched and pushes it, holding the merge lease (one process moves
     * main at a time) with a lease on that commit; main moved meanwhile: fetched and written again, a few times.
     */
    @Override
    public RunRecords.Outcome commitSummary(String runId, Path ignored, Consumer<Path> write) {
        return inCache((remote, git, worktrees) -> {
            try (LeaseKeeper lease = MergeLease.take(store, remote.url(), LeaseHolder.local().name("conductor"), mergeWait)) {
                for (int i = 0; i < PUSH_TRIES; i++) {
                    if (i > 0) {
                        remote.fetch();
                    }
                    String before = remote.commitOf(RemoteGit.BRANCHES + main).orElseThrow(() -> KleiberException.failed(
                            "the remote " + remote.url() + " has no branch " + main));
                    Path scratch = worktrees.resolve("_summary");
                    git.removeWorktree(scratch);
                    git.addDetachedWorktree(scratch, before);
                    try {
                        write.accept(scratch);
                        Optional<String> commit = git.inWorktree(scratch).commitAll(scratch, CommitMessage.of(
                                "kleiber: summary of run " + runId + " (progress, orchestration log)", Map.of("Kleiber-Run", runId)));
                        if (commit.isEmpty()) {
                            return new RunRecords.Outcome.NothingToCommit();
                        }
                        if (remote.push(List.of(new RemoteGit.Update(commit.get(), "refs/heads/" + main, Optional.of(before))))
                                instanceof RemoteGit.Push.Pushed) {
                            return new RunRecords.Outcome.Committed(commit.get());
                        }
                    } finally {
                        git.removeWorktree(scratch);
                    }
                }
                throw KleiberException.failed("main on " + remote.url() + " kept moving: " + PUSH_TRIES
                        + " pushes of run " + runId + "'s summary were refused");
            }
        });
    }

    /** The conductor's checkout is not where the run's main is: nothing is committed there. */
    @Override
    public RunRecords.Outcome commitRecords(String runId) {
        return new RunRecords.Outcome.NothingToCommit();
    }

    // what follows is the conductor's own checkout's: the blocked files it receives and answers

    @Override
    public String writeConflict(RoutedTask task, List<String> files) {
        return checkout.writeConflict(task, files);
    }

    @Override
    public String writeBlocked(BlockedFile file) {
        return checkout.writeBlocked(file);
    }

    @Override
    public void recover() {
        checkout.recover();
    }

    @Override
    public void tidy(Collection<RoutedTask> finished) {
        checkout.tidy(finished);
    }

    // a conductor following workers runs no attempt and merges nothing (the workers do): what is left is its checkout's

    @Override
    public Path open(RoutedTask task, int attempt) {
        return checkout.open(task, attempt);
    }

    @Override
    public void close(RoutedTask task, int attempt) {
        checkout.close(task, attempt);
    }

    @Override
    public void clean(RoutedTask task, Path worktree) {
        checkout.clean(task, worktree);
    }

    @Override
    public String tip(RoutedTask task) {
        return checkout.tip(task);
    }

    @Override
    public List<Path> changedPaths(RoutedTask task) {
        return checkout.changedPaths(task);
    }

    @Override
    public List<ChangedFile> diff(RoutedTask task) {
        return checkout.diff(task);
    }

    @Override
    public boolean isMerged(String runId, RoutedTask task) {
        return checkout.isMerged(runId, task);
    }

    @Override
    public MergeResult merge(String runId, RoutedTask task, int attempt) {
        return checkout.merge(runId, task, attempt);
    }

    @Override
    public void recordMerged(RoutedTask task, Tier tier) {
        checkout.recordMerged(task, tier);
    }
}
