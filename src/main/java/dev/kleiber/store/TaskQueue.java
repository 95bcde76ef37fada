package dev.kleiber.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The queue of ready tasks, shared by every process on one store: a conductor claims the tasks its scheduler chose
 * in one run; a {@code kleiber worker} claims the best ready task of any run, round-robin across runs. A claim
 * moves the task to running under a new lease whose fence is one above the task's last, in one transaction: two
 * claimers never hold one task. On PostgreSQL claimers skip each other's locked rows ({@code FOR UPDATE SKIP
 * LOCKED}) instead of queueing behind one lock; on SQLite the file's write lock serialises them.
 */
public interface TaskQueue {
    /**
     * Claims the first task of {@code chosen} (best first) that is ready — planned or queued, every dependency
     * merged, and needing no tag beyond {@code tags}. Empty when none is (another process took it, or it moved on).
     */
    Optional<Claim> claim(String runId, List<String> chosen, String holder, Set<String> tags, Duration ttl);

    /**
     * Claims the best ready task of any active run of {@code remote} whose needs {@code tags} meet: the run that least
     * recently had a task claimed goes first, and within it the task earliest in its scheduling order
     * ({@link #prioritize}). A run's remote is the one {@code kleiber run --remote} gave it; a worker never takes a
     * task of another repository's run.
     */
    Optional<Claim> claimAny(String holder, String remote, Set<String> tags, Duration ttl);

    /** {@link #claimAny(String, String, Set, Duration)} from the runs with no remote, which share one checkout. */
    default Optional<Claim> claimAny(String holder, Set<String> tags, Duration ttl) {
        return claimAny(holder, "", tags, ttl);
    }

    /** Records the run's scheduling order (first starts first), which {@link #claimAny} follows. */
    void prioritize(String runId, List<String> order);

    /** Puts back in the queue every leased task of {@code runId} whose lease has expired; returns them. */
    List<TaskRecord> requeueExpired(String runId);
}
