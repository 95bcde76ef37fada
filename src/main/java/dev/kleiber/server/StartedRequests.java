package dev.kleiber.server;

import dev.kleiber.store.Event;
import dev.kleiber.store.Lease;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.Store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Requests started through the API that are not runs (yet), as the store records them, so that every replica answers
 * alike for such an id. A request is planned in one server process; the store names the lease of that process
 * ({@value #PLANNER_EVENT}). A server killed while planning (SIGKILL, OOM, a lost node) records nothing more: once its
 * lease is gone (expired, or its holder provably dead on this machine) the request is recorded as never started, with
 * why — at the next server start, or when someone asks for it, whichever comes first. Planning is not resumed: the
 * person who asked may have moved on, and a second plan would be paid for without anyone watching it (ADR 0143).
 */
public final class StartedRequests {
    /** Names the lease of the process planning a request: recorded just before {@link RunLauncher#STARTED_EVENT}. */
    static final String PLANNER_EVENT = "server.planner";
    static final String ABANDONED = "the server planning it stopped before its plan was ready; send the request again";

    /** What the store says of a run id that names no run. */
    public sealed interface Standing {
        /** No request was ever started under this id. */
        record Unknown() implements Standing {
        }

        /** A live server plans it. */
        record Planning(String startedBy) implements Standing {
        }

        /** It never became a run, and why. */
        record NeverStarted(String why) implements Standing {
        }
    }

    private final Store store;
    private final Clock clock;
    private final LeaseHolder holders;

    public StartedRequests(Store store, Clock clock, LeaseHolder holders) {
        this.store = store;
        this.clock = clock;
        this.holders = holders;
    }

    /** Records that the process holding {@code planner} plans the request {@code runId}, started by {@code by}. */
    public void planning(String runId, String by, Lease planner) {
        store.events().append(runId, "", PLANNER_EVENT, planner.id());
        store.events().append(runId, "", RunLauncher.STARTED_EVENT, "by " + by + ": planning the request");
    }

    /** Records that {@code runId} never became a run, and why. */
    public void notStarted(String runId, String why) {
        store.events().append(runId, "", RunLauncher.NOT_STARTED_EVENT, why);
    }

    /** Whether the store already records {@code runId} as never started (another replica may have judged it so). */
    public boolean recordedNotStarted(String runId) {
        return store.events().ofRun(runId).stream().anyMatch(e -> e.kind().equals(RunLauncher.NOT_STARTED_EVENT));
    }

    /**
     * The standing of {@code runId}, which names no run in the store. A request whose planner is gone is recorded as
     * never started here, so the answer is the same the next time and on every replica.
     */
    public Standing standing(String runId) {
        return standing(runId, store.events().ofRun(runId));
    }

    /**
     * Records every request whose planner is gone as never started: what a server does when it starts, so that no id
     * stays "being planned" for ever after a crash. Returns the ids it recorded.
     */
    public List<String> abandonOrphans() {
        List<String> abandoned = new ArrayList<>();
        store.events().ofKind(RunLauncher.STARTED_EVENT).stream().map(Event::runId).distinct()
                .filter(runId -> store.runs().find(runId).isEmpty())
                .forEach(runId -> {
                    List<Event> events = store.events().ofRun(runId);
                    boolean open = events.stream().noneMatch(e -> e.kind().equals(RunLauncher.NOT_STARTED_EVENT));
                    if (open && standing(runId, events) instanceof Standing.NeverStarted) {
                        abandoned.add(runId);
                    }
                });
        return abandoned;
    }

    private Standing standing(String runId, List<Event> events) {
        Optional<Event> last = events.stream()
                .filter(e -> e.kind().equals(RunLauncher.STARTED_EVENT) || e.kind().equals(RunLauncher.NOT_STARTED_EVENT))
                .reduce((first, second) -> second);
        if (last.isEmpty()) {
            return new Standing.Unknown();
        }
        if (last.get().kind().equals(RunLauncher.NOT_STARTED_EVENT)) {
            return new Standing.NeverStarted(last.get().detail());
        }
        Optional<String> planner = events.stream().filter(e -> e.kind().equals(PLANNER_EVENT))
                .reduce((first, second) -> second).map(Event::detail);
        // a request recorded without its planner (a server of an earlier version) cannot be proven abandoned
        if (planner.isEmpty() || plannerLives(planner.get())) {
            return new Standing.Planning(last.get().detail().replaceFirst(":.*", ""));
        }
        notStarted(runId, ABANDONED);
        return new Standing.NeverStarted(ABANDONED);
    }

    private boolean plannerLives(String leaseId) {
        return store.leases().find(leaseId)
                .filter(lease -> lease.expiresAt().isAfter(clock.instant()))
                .filter(lease -> !holders.isProvablyDead(lease.holder()))
                .isPresent();
    }
}
