package dev.kleiber.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The {@code run_events} table: every typed event of every run, append-only, numbered by {@code seq} in commit
 * order, so that a live reader that asks for what came {@link #after} the last number it saw never misses one.
 */
public final class RunEvents {
    /** The most events one read returns, whatever the caller asks: a reader pages on with the last seq. */
    public static final int MAX_PAGE = 1_000;

    private final Database database;

    RunEvents(Database database) {
        this.database = database;
    }

    /** Appends one event and returns its seq. */
    public long append(String runId, String taskId, Instant at, String kind, String json) {
        return database.write(tx -> {
            // taken before the insert draws its number: whoever draws a higher seq commits after this one
            tx.lock("run_events");
            tx.update("INSERT INTO run_events (run_id, task_id, at_ms, kind, body) VALUES (?, ?, ?, ?, ?)",
                    runId, taskId, at.toEpochMilli(), kind, json);
            return tx.number("SELECT MAX(seq) FROM run_events WHERE run_id = ?", runId);
        });
    }

    /**
     * The events of {@code runId} numbered above {@code seq} (0: from the start), oldest first, at most
     * {@code limit} of them (capped at {@value #MAX_PAGE}).
     */
    public List<StoredRunEvent> after(String runId, long seq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1; found " + limit);
        }
        return database.read(tx -> tx.query("""
                SELECT seq, run_id, task_id, at_ms, kind, body FROM run_events
                WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?
                """, RunEvents::map, runId, seq, Math.min(limit, MAX_PAGE)));
    }

    /** The seq of the newest event of {@code runId}, or 0 when it has none. */
    public long latestSeq(String runId) {
        return database.read(tx -> tx.number("SELECT MAX(seq) FROM run_events WHERE run_id = ?", runId));
    }

    private static StoredRunEvent map(ResultSet rs) throws SQLException {
        return new StoredRunEvent(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                rs.getString(5), rs.getString(6));
    }
}
