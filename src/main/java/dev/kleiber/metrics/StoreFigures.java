package dev.kleiber.metrics;

import dev.kleiber.conductor.MainWatch;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.ModelPrice;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.ledger.Usd;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskState;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the store says at one instant: the ledger's totals per model, agent and outcome, today's budget, tasks by
 * state, the claimable queue, live processes and registered workers, and the latest check of main. Read in one go at each scrape, so every
 * process that serves metrics reports the same numbers as {@code kleiber cost} and {@code kleiber status}.
 */
record StoreFigures(List<LedgerGroup> ledger, BudgetStatus budget, Map<TaskState, Long> tasks, long claimable,
                    long remoteClaimable, long liveProcesses, long liveWorkers, long workerSlots,
                    Optional<MainCheck> main) {

    /** The ledger rows of one model, agent and outcome, added up; {@code allOpusUsd} is their price on Opus. */
    record LedgerGroup(String model, String agent, String outcome, long calls, TokenUsage tokens, double costUsd,
                       double allOpusUsd) {
    }

    /** The latest check of main: {@code passed}, {@code failed} or {@code error}, and when. */
    record MainCheck(String result, long atMs) {
    }

    StoreFigures {
        ledger = List.copyOf(ledger);
        tasks = Map.copyOf(tasks);
    }

    /** Reads the figures; {@code opus} prices the all-Opus comparison. */
    static StoreFigures read(Store store, Ledger ledgerReader, ModelPrice opus, Clock clock) {
        long now = clock.millis();
        record Counts(List<LedgerGroup> ledger, Map<TaskState, Long> tasks, long claimable, long remoteClaimable,
                      long live, long workers, long slots, Optional<MainCheck> main) {
        }
        Counts counts = store.database().read(tx -> {
            List<LedgerGroup> groups = tx.query("SELECT model_id, agent, outcome, COUNT(*), SUM(input_tokens), "
                    + "SUM(output_tokens), SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens), SUM(cache_read_tokens), "
                    + "SUM(cost_pusd) FROM ledger GROUP BY model_id, agent, outcome ORDER BY model_id, agent, outcome",
                    rs -> {
                        TokenUsage tokens = new TokenUsage(rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                                rs.getLong(9));
                        return new LedgerGroup(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), tokens,
                                usd(Usd.fromPico(rs.getLong(10))), usd(opus.cost(tokens)));
                    });
            Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
            for (TaskState state : TaskState.values()) {
                byState.put(state, 0L);
            }
            record StateCount(String state, long count) {
            }
            for (StateCount row : tx.query("SELECT state, COUNT(*) FROM tasks GROUP BY state",
                    rs -> new StateCount(rs.getString(1), rs.getLong(2)))) {
                TaskState.parse(row.state()).ifPresent(state -> byState.put(state, row.count()));
            }
            // planned or queued and every dependency merged: what a free worker slot would claim now (a claim queues a
            // planned task in the same transaction; a run on a remote's workers keeps its tasks planned until then)
            String ready = "SELECT COUNT(*) FROM tasks t JOIN runs r ON r.id = t.run_id "
                    + "WHERE t.state IN ('planned', 'queued') AND r.state <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks u "
                    + "ON u.run_id = d.run_id AND u.id = d.depends_on WHERE d.run_id = t.run_id AND d.task_id = t.id "
                    + "AND u.state <> 'merged')";
            long claimable = tx.number(ready);
            // of those, the tasks of runs on a remote's workers: only a `kleiber worker` takes them (ADR 0137)
            long remoteClaimable = tx.number(ready + " AND r.remote <> ''");
            // a process lease has no subject; a task's lease names the task
            long live = tx.number("SELECT COUNT(*) FROM leases WHERE subject IS NULL AND expires_ms > ?", now);
            // `kleiber worker` processes register with their slots and heartbeat; a row past expires_ms is dead
            long workers = tx.number("SELECT COUNT(*) FROM workers WHERE expires_ms > ?", now);
            long slots = tx.number("SELECT COALESCE(SUM(slots), 0) FROM workers WHERE expires_ms > ?", now);
            Optional<MainCheck> main = tx.one("SELECT detail, at_ms FROM events WHERE seq = "
                    + "(SELECT MAX(seq) FROM events WHERE kind = ?)",
                    rs -> new MainCheck(rs.getString(1).split("[ :]", 2)[0], rs.getLong(2)), MainWatch.EVENT);
            return new Counts(groups, byState, claimable, remoteClaimable, live, workers, slots, main);
        });
        return new StoreFigures(counts.ledger(), ledgerReader.status(), counts.tasks(), counts.claimable(),
                counts.remoteClaimable(), counts.live(), counts.workers(), counts.slots(), counts.main());
    }

    static double usd(BigDecimal amount) {
        return amount.doubleValue();
    }
}
