package dev.kleiber.store;

import dev.kleiber.routing.RouteOutcome;
import dev.kleiber.routing.Tier;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** The {@code route_outcomes} table: what routing learns from, per repository. */
public final class RouteOutcomes {
    /** How many recent outcomes stats and learning read at most: old history says little about today's code. */
    public static final int RECENT = 2_000;

    private final Database database;

    public RouteOutcomes(Database database) {
        this.database = database;
    }

    /** Records or replaces the outcome of {@code outcome}'s task in its run. */
    public void record(String repository, RouteOutcome o) {
        database.write(tx -> tx.update("""
                INSERT INTO route_outcomes (run_id, task_id, repository, tier, rules, forced, attempts, first_attempt_passed,
                    validation_failures, escalated, review_rejections, diff_sensitive, cost_pusd, final_state, recorded_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, task_id) DO UPDATE SET repository = excluded.repository, tier = excluded.tier,
                    rules = excluded.rules, forced = excluded.forced, attempts = excluded.attempts,
                    first_attempt_passed = excluded.first_attempt_passed,
                    validation_failures = excluded.validation_failures, escalated = excluded.escalated,
                    review_rejections = excluded.review_rejections, diff_sensitive = excluded.diff_sensitive,
                    cost_pusd = excluded.cost_pusd, final_state = excluded.final_state, recorded_ms = excluded.recorded_ms
                """, o.runId(), o.taskId(), repository, o.tier().id(), String.join(",", o.rules()), o.forced() ? 1 : 0,
                o.attempts(), o.firstAttemptPassed() ? 1 : 0, o.validationFailures(), o.escalated() ? 1 : 0,
                o.reviewRejections(), o.diffSensitive() ? 1 : 0, o.costPusd(), o.finalState(), o.recordedAt().toEpochMilli()));
    }

    /** What the ledger charged for a task of a run, in millionths of a dollar. */
    public long costPusd(String runId, String taskId) {
        return database.read(tx -> tx.number("SELECT SUM(cost_pusd) FROM ledger WHERE run_id = ? AND task_id = ?",
                runId, taskId));
    }

    /** The repository's most recent outcomes, newest first. */
    public List<RouteOutcome> recent(String repository) {
        return database.read(tx -> tx.query("""
                SELECT run_id, task_id, tier, rules, forced, attempts, first_attempt_passed, validation_failures, escalated,
                    review_rejections, diff_sensitive, cost_pusd, final_state, recorded_ms
                FROM route_outcomes WHERE repository = ? ORDER BY recorded_ms DESC, run_id DESC, task_id LIMIT ?
                """, RouteOutcomes::map, repository, RECENT));
    }

    private static RouteOutcome map(ResultSet rs) throws SQLException {
        String rules = rs.getString(4);
        return new RouteOutcome(rs.getString(1), rs.getString(2), Tier.parse(rs.getString(3)).orElse(Tier.SONNET),
                rules.isEmpty() ? List.of() : Arrays.asList(rules.split(",")), rs.getInt(5) == 1, rs.getInt(6),
                rs.getInt(7) == 1, rs.getInt(8), rs.getInt(9) == 1, rs.getInt(10), rs.getInt(11) == 1, rs.getLong(12),
                rs.getString(13), Instant.ofEpochMilli(rs.getLong(14)));
    }
}
