package dev.kleiber.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which run's task landed on main, from which attempt, as which commit: the truth for "already merged", bound to
 * the run, so a later plan that reuses a task id runs its own work instead of finding the old trailer on main.
 */
public final class Merges {
    /** A merge as stored; {@code commit} is empty while it is only intended (git may or may not have moved main). */
    public record MergeRecord(String runId, String taskId, int attempt, String mainBefore, Optional<String> commit,
                              Optional<Instant> mergedAt) {
    }

    private static final String COLUMNS = "run_id, task_id, attempt, main_before, merge_commit, merged_ms";

    private final Database database;
    private final Clock clock;
    private final Events events;

    Merges(Database database, Clock clock, Events events) {
        this.database = database;
        this.clock = clock;
        this.events = events;
    }

    /** Records that {@code attempt} of the task is about to be merged onto main, which stands at {@code mainBefore}. */
    public void intend(String runId, String taskId, int attempt, String mainBefore) {
        database.write(tx -> {
            tx.update("DELETE FROM merges WHERE run_id = ? AND task_id = ? AND merge_commit IS NULL", runId, taskId);
            tx.update("INSERT INTO merges (run_id, task_id, attempt, main_before, started_ms) VALUES (?, ?, ?, ?, ?)",
                    runId, taskId, attempt, mainBefore, clock.millis());
            return null;
        });
    }

    /** The intended merge landed as {@code commit}. */
    public void done(String runId, String taskId, String commit) {
        database.write(tx -> {
            if (tx.update("UPDATE merges SET merge_commit = ?, merged_ms = ? WHERE run_id = ? AND task_id = ?",
                    commit, clock.millis(), runId, taskId) != 1) {
                throw new SQLException("no merge of " + runId + "/" + taskId + " was intended");
            }
            events.append(tx, runId, taskId, "merge.recorded", commit);
            return null;
        });
    }

    /** The intended merge did not happen (a conflict): nothing of it is on main. */
    public void abandon(String runId, String taskId) {
        database.write(tx -> tx.update("DELETE FROM merges WHERE run_id = ? AND task_id = ? AND merge_commit IS NULL",
                runId, taskId));
    }

    public Optional<MergeRecord> find(String runId, String taskId) {
        return database.read(tx -> tx.one("SELECT " + COLUMNS + " FROM merges WHERE run_id = ? AND task_id = ?",
                Merges::map, runId, taskId));
    }

    /** The run's completed merges, oldest first. */
    public List<MergeRecord> ofRun(String runId) {
        return database.read(tx -> tx.query("SELECT " + COLUMNS + " FROM merges WHERE run_id = ? AND merge_commit IS NOT NULL "
                + "ORDER BY merged_ms, task_id", Merges::map, runId));
    }

    /** Every completed merge, in any run, of a task with one of these ids: earlier work a new plan would reuse. */
    public List<MergeRecord> ofTaskIds(Collection<String> taskIds) {
        return database.read(tx -> {
            List<MergeRecord> out = new ArrayList<>();
            for (String id : taskIds) {
                out.addAll(tx.query("SELECT " + COLUMNS + " FROM merges WHERE task_id = ? AND merge_commit IS NOT NULL "
                        + "ORDER BY merged_ms, run_id", Merges::map, id));
            }
            return out;
        });
    }

    private static MergeRecord map(ResultSet rs) throws SQLException {
        long merged = rs.getLong(6);
        Optional<Instant> at = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(merged));
        return new MergeRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                Optional.ofNullable(rs.getString(5)), at);
    }
}
