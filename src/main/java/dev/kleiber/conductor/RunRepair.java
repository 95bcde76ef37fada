package dev.kleiber.conductor;

import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Completes what a crash cut short between two records of one step, before a run continues: a task the store
 * has merged whose CHANGELOG entry was never written, and an agent session the ledger billed whose
 * orchestration_log.md row was never appended (the process died during or right after the session). Both
 * writes are idempotent, so repairing a run that needs nothing changes nothing.
 */
final class RunRepair {
    private final Store store;
    private final Ledger ledger;
    private final Workspace workspace;
    private final OrchestrationLog log;

    RunRepair(Store store, Ledger ledger, Workspace workspace, OrchestrationLog log) {
        this.store = store;
        this.ledger = ledger;
        this.workspace = workspace;
        this.log = log;
    }

    void repair(RunPlan plan) {
        for (TaskRecord record : store.tasks().ofRun(plan.runId())) {
            if (record.state() == TaskState.MERGED) {
                workspace.recordMerged(plan.task(record.id()), record.tier());
            }
        }
        List<OrchestrationLog.Row> rows = sessionRows(store, ledger, plan);
        synchronized (log) {
            log.appendMissingSessions(rows);
        }
    }

    /**
     * The orchestration log's row of every agent session of the run that has ended, from the ledger: what a crash
     * may have left unwritten, and what the conductor of a run on many machines writes into the remote's log (its
     * workers' rows stay in their caches).
     */
    static List<OrchestrationLog.Row> sessionRows(Store store, Ledger ledger, RunPlan plan) {
        String runId = plan.runId();
        List<OrchestrationLog.Row> rows = new ArrayList<>();
        for (TaskRecord record : store.tasks().ofRun(runId)) {
            RoutedTask task = plan.task(record.id());
            // a leased task's latest attempt is still at work in a live process: it logs its own session
            int ended = record.state().isLeased() ? record.attempts() - 1 : record.attempts();
            for (int attempt = 1; attempt <= ended; attempt++) {
                int n = attempt;
                ledger.session(runId, record.id(), n).ifPresent(session -> {
                    Tier tier = ledger.tierOf(runId, record.id(), n).orElse(record.tier());
                    rows.add(OrchestrationLog.Row.of(session, tier,
                            tier == task.tier() ? Optional.empty() : Optional.of(task.tier())));
                });
            }
        }
        return rows;
    }
}
