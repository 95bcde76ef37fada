package dev.kleiber.conductor;

import dev.kleiber.routing.Reason;
import dev.kleiber.routing.RouteOutcome;
import dev.kleiber.store.Event;
import dev.kleiber.store.RouteOutcomes;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Records, when a run stops, the route and the outcome of each of its tasks that started, for
 * {@code kleiber route stats} and for learning. Everything is read back from the store's own record of the run
 * (task states, failure and feedback events, tier changes, the ledger), so a resumed run updates the rows.
 */
final class OutcomeRecorder {
    private static final String TIER_CHANGED = "task.tier";

    private final Store store;
    private final RouteOutcomes outcomes;
    private final String repository;
    private final Clock clock;

    OutcomeRecorder(Store store, String repository, Clock clock) {
        this.store = store;
        this.outcomes = new RouteOutcomes(store.database());
        this.repository = repository;
        this.clock = clock;
    }

    void record(RunPlan plan) {
        for (RoutedTask task : plan.tasks().values()) {
            Optional<TaskRecord> record = store.tasks().find(plan.runId(), task.id());
            if (record.isEmpty() || record.get().attempts() == 0) {
                continue;
            }
            outcomes.record(repository, outcome(plan.runId(), task, record.get()));
        }
    }

    private RouteOutcome outcome(String runId, RoutedTask task, TaskRecord record) {
        List<Event> events = store.events().ofTask(runId, task.id());
        int failures = count(events, Conductor.FAILURE_EVENT, "");
        int validationFailures = count(events, Conductor.FAILURE_EVENT, Conductor.VALIDATION_FAILED);
        boolean escalated = count(events, TIER_CHANGED, "") > 0;
        boolean reached = record.state() == TaskState.MERGED || record.state() == TaskState.AWAITING_REVIEW;
        return new RouteOutcome(runId, task.id(), task.tier(), task.decision().reasons().stream().map(Reason::ruleId).toList(),
                task.needsReview(), record.attempts(), reached && failures == 0 && !escalated, validationFailures, escalated,
                count(events, ReviewDesk.REJECTED_EVENT, ""), count(events, DiffReview.EVENT, "") > 0,
                outcomes.costPusd(runId, task.id()), record.state().id(), clock.instant());
    }

    private static int count(List<Event> events, String kind, String prefix) {
        return (int) events.stream().filter(e -> e.kind().equals(kind) && e.detail().startsWith(prefix)).count();
    }
}
