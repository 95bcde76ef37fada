package dev.kleiber.conductor;

import dev.kleiber.store.Database;

import java.util.Locale;

/**
 * How often a task failed, per kind, in the store (table {@code task_failures}) so that a resumed run continues
 * the same count: the retry ladder climbs on the agent's failures, and transient errors are bounded.
 */
final class TaskFailures {
    enum Kind {
        /** The agent's work failed: its session, or validation of what it wrote. */
        AGENT,
        /** A step failed for a reason that usually passes by itself: a git lock, a busy store, I/O. */
        TRANSIENT,
        /** The environment stopped the task (a price, a model, a checkout); a resume queues it again. */
        ENVIRONMENT;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Database database;

    TaskFailures(Database database) {
        this.database = database;
    }

    /** Counts one more failure of {@code kind}; returns the count with it. */
    int add(String runId, String taskId, Kind kind) {
        return database.write(tx -> {
            tx.update("INSERT INTO task_failures (run_id, task_id, kind, failures) VALUES (?, ?, ?, 1) "
                    + "ON CONFLICT (run_id, task_id, kind) DO UPDATE SET failures = task_failures.failures + 1",
                    runId, taskId, kind.id());
            return (int) tx.number("SELECT failures FROM task_failures WHERE run_id = ? AND task_id = ? AND kind = ?",
                    runId, taskId, kind.id());
        });
    }

    void clear(String runId, String taskId, Kind kind) {
        database.write(tx -> tx.update("DELETE FROM task_failures WHERE run_id = ? AND task_id = ? AND kind = ?",
                runId, taskId, kind.id()));
    }

    int count(String runId, String taskId, Kind kind) {
        return database.read(tx -> tx.one("SELECT failures FROM task_failures WHERE run_id = ? AND task_id = ? AND kind = ?",
                rs -> rs.getInt(1), runId, taskId, kind.id()).orElse(0));
    }
}
