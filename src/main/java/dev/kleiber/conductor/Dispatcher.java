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

/**
 * Decides, from where the store says every task of a run stands, which tasks start now: the {@link Scheduler}
 * picks by critical path, the picked tasks are queued and claimed under leases. Not thread-safe: the
 * conductor calls it holding its lock.
 */
final class Dispatcher {
    private final Store store;
    private final String runId;
    private final CriticalPath ranking;
    private final int workers;
    private final String holder;
    private final Duration leaseTtl;
    private final RunListener listener;

    Dispatcher(Store store, String runId, CriticalPath ranking, int workers, String holder, Duration leaseTtl,
               RunListener listener) {
        this.store = store;
        this.runId = runId;
        this.ranking = ranking;
        this.workers = workers;
        this.holder = holder;
        this.leaseTtl = leaseTtl;
        this.listener = listener;
    }

    /** Queues what may start now and claims it; each claim is then this process's to run. */
    List<Claim> dispatch() {
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
        List<String> picks = Scheduler.restore(ranking, workers, known).next();
        for (String id : picks) {
            if (states.get(id) == TaskState.PLANNED) {
                store.tasks().transition(runId, id, TaskState.QUEUED, "its dependencies are merged");
                listener.on(new RunEvent.TaskQueued(runId, id));
            }
        }
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < picks.size(); i++) {
            Optional<Claim> claim = store.tasks().claimNext(runId, holder, leaseTtl);
            if (claim.isEmpty()) {
                break;
            }
            claims.add(claim.get());
        }
        return claims;
    }
}
