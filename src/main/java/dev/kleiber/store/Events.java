package dev.kleiber.store;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** The append-only event log: every transition, claim, refusal and approval, in order. */
public final class Events {
    private final Database database;
    private final Clock clock;

    Events(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public void append(String runId, String taskId, String kind, String detail) {
        database.write(tx -> {
            append(tx, runId, taskId, kind, detail);
            return null;
        });
    }

    /** Appends inside a transaction the caller is already running, so the event commits with its cause. */
    public void append(Tx tx, String runId, String taskId, String kind, String detail) throws SQLException {
        tx.update("INSERT INTO events (at_ms, run_id, task_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
                clock.millis(), runId, taskId, kind, detail);
    }

    public List<Event> ofRun(String runId) {
        return database.read(tx -> tx.query(
                "SELECT seq, at_ms, run_id, task_id, kind, detail FROM events WHERE run_id = ? ORDER BY seq",
                Events::event, runId));
    }

    /** Every event of one kind, of every run, in order: what a server reads at its start to find what it left. */
    public List<Event> ofKind(String kind) {
        return database.read(tx -> tx.query(
                "SELECT seq, at_ms, run_id, task_id, kind, detail FROM events WHERE kind = ? ORDER BY seq",
                Events::event, kind));
    }

    /** One task's events, in order: what a worker reads on each attempt, without the whole run's log. */
    public List<Event> ofTask(String runId, String taskId) {
        return database.read(tx -> tx.query(
                "SELECT seq, at_ms, run_id, task_id, kind, detail FROM events WHERE run_id = ? AND task_id = ? ORDER BY seq",
                Events::event, runId, taskId));
    }

    private static Event event(java.sql.ResultSet rs) throws SQLException {
        return new Event(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6));
    }
}
