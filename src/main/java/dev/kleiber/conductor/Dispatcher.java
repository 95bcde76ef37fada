package dev.kleiber.conductor;

import dev.kleiber.plan.CriticalPath;
import dev.kleiber.plan.Scheduler;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, from where the store says every task of a run stands, which tasks start now: the {@link Scheduler}
 * picks by critical path and exactly the picked tasks are claimed under leases (another process may take a pick
 * first: the claim then moves to the next pick). Not thread-safe: the conductor calls it holding its lock.
 */
final class Dispatcher {
    private final Store store;
    private final String runId;
    private final CriticalPath ranking;
    private final int workers;
    private final String holder;
    private final Duration leaseTtl;

    Dispatcher(Store store, String runId, CriticalPath ranking, int workers, String holder, Duration leaseTtl) {
        this.store = store;
        this.runId = runId;
        this.ranking = ranking;
        this.workers = workers;
        this.holder = holder;
        this.leaseTtl = leaseTtl;
    }

    /** Records the run's scheduling order in the queue, so workers claiming from any run follow it too. */
    void prioritize() {
        store.queue().prioritize(runId, ranking.order());
    }

    /** Claims what the scheduler starts now; each claim is then this process's to run. */
    List<Claim> dispatch() {
        List<String> picks = picks();
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < picks.size(); i++) {
            // exactly the scheduler's choice, best first; a pick another process took meanwhile is skipped
            Optional<Claim> claim = store.queue().claim(runId, picks.subList(i, picks.size()), holder, Set.of(), leaseTtl);
            if (claim.isEmpty()) {
                break;
            }
            claims.add(claim.get());
            i = picks.indexOf(claim.get().task().id());
        }
        return claims;
    }

    /** One claim for a worker that just finished (or requeued) a task: the scheduler's best pick that is free. */
    Optional<Claim> claimOne() {
        return store.queue().claim(runId, picks(), holder, Set.of(), leaseTtl);
    }

    /** What the scheduler starts now, given where the store says every task stands. */
    private List<String> picks() {
        Map<String, TaskState> states = store.tasks().states(runId);
        Map<String, Scheduler.State> known = new HashMap<>();
        states.forEach((id, state) -> {
            switch (state) {
                case MERGED -> known.put(id, Scheduler.State.DONE);
                case RUNNING, VALIDATING -> known.put(id, Scheduler.State.RUNNING);
                case AWAITING_REVIEW, BLOCKED, FAILED, CANCELLED -> known.put(id, Scheduler.State.FAILED);
                case PLANNED, QUEUED -> { }
            }
        });
        // another process's tasks run on its own workers, not on ours: they occupy none of our slots
        return Scheduler.restore(ranking, workers + store.tasks().heldByOthers(runId, holder), known).next();
    }
}
