package dev.kleiber.ledger;

import java.time.LocalDate;
import java.util.List;

/** What a limit counts: one day's calls, one run's, or one task's. {@code where} filters ledger and reservation rows. */
record Scope(String key, String limitName, String where, List<Object> args) {

    static Scope day(LocalDate day) {
        return new Scope("day:" + day, "daily", "day = ?", List.of(day.toString()));
    }

    static Scope run(String runId) {
        return new Scope("run:" + runId, "per-run", "run_id = ?", List.of(runId));
    }

    static Scope task(String runId, String taskId) {
        return new Scope("task:" + runId + "/" + taskId, "per-task", "run_id = ? AND task_id = ?", List.of(runId, taskId));
    }

    Object[] argsWith(Object... more) {
        Object[] out = new Object[args.size() + more.length];
        for (int i = 0; i < args.size(); i++) {
            out[i] = args.get(i);
        }
        System.arraycopy(more, 0, out, args.size(), more.length);
        return out;
    }
}
