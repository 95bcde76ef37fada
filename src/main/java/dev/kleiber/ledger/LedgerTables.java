package dev.kleiber.ledger;

import dev.kleiber.store.Tx;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/** The ledger's SQL: reservations, ledger rows, approvals and pauses. Every method runs in its caller's transaction. */
final class LedgerTables {
    private LedgerTables() {
    }

    /** Drops reservations whose lease expired or was released: their process is gone and will not call. */
    static int releaseExpired(Tx tx, long nowMs) throws SQLException {
        return tx.update("DELETE FROM reservations WHERE NOT EXISTS "
                + "(SELECT 1 FROM leases l WHERE l.id = reservations.lease_id AND l.expires_ms > ?)", nowMs);
    }

    static long spent(Tx tx, Scope scope) throws SQLException {
        return tx.number("SELECT COALESCE(SUM(cost_pusd), 0) FROM ledger WHERE " + scope.where(), scope.argsWith());
    }

    /** Reservations held under live leases only: an expired holder's are not counted even before cleanup. */
    static long reserved(Tx tx, Scope scope, long nowMs) throws SQLException {
        return tx.number("SELECT COALESCE(SUM(amount_pusd), 0) FROM reservations WHERE " + scope.where()
                + " AND EXISTS (SELECT 1 FROM leases l WHERE l.id = reservations.lease_id AND l.expires_ms > ?)",
                scope.argsWith(nowMs));
    }

    /** The limit in force: the latest raise (else {@code configured}) plus every extra approved after it. */
    static long limit(Tx tx, Scope scope, long configuredPico) throws SQLException {
        Optional<long[]> raise = tx.one("SELECT amount_pusd, seq FROM approvals WHERE scope = ? AND kind = 'raise' "
                + "ORDER BY seq DESC LIMIT 1", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, scope.key());
        long base = raise.map(r -> r[0]).orElse(configuredPico);
        long after = raise.map(r -> r[1]).orElse(0L);
        long extra = tx.number("SELECT COALESCE(SUM(amount_pusd), 0) FROM approvals "
                + "WHERE scope = ? AND kind = 'extra' AND seq > ?", scope.key(), after);
        // saturates: rows written by an older version may sum past what a long holds
        return base > Long.MAX_VALUE - extra ? Long.MAX_VALUE : base + extra;
    }

    static void insertApproval(Tx tx, Scope scope, String kind, long amountPico, String who, long nowMs) throws SQLException {
        tx.update("INSERT INTO approvals (at_ms, scope, kind, amount_pusd, approved_by) VALUES (?, ?, ?, ?, ?)",
                nowMs, scope.key(), kind, amountPico, who);
    }

    private static final String PAUSE_COLUMNS = "scope, limit_name, day, since_ms, limit_pusd, spent_pusd, "
            + "reserved_pusd, requested_pusd, run_id, task_id";

    static Optional<BudgetPause> openPause(Tx tx, Scope scope) throws SQLException {
        return tx.one("SELECT " + PAUSE_COLUMNS + " FROM budget_pauses WHERE scope = ? AND cleared_ms IS NULL "
                + "ORDER BY since_ms LIMIT 1", LedgerTables::pause, scope.key());
    }

    /** Open pauses of {@code day}'s daily limit and of every run and task cap. */
    static java.util.List<BudgetPause> openPauses(Tx tx, LocalDate day) throws SQLException {
        return tx.query("SELECT " + PAUSE_COLUMNS + " FROM budget_pauses WHERE cleared_ms IS NULL "
                + "AND (scope = ? OR scope NOT LIKE 'day:%') ORDER BY since_ms", LedgerTables::pause, "day:" + day);
    }

    static void insertPause(Tx tx, BudgetPause pause) throws SQLException {
        tx.update("INSERT INTO budget_pauses (id, " + PAUSE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(), pause.scope(), pause.limitName(), pause.day().toString(),
                pause.since().toEpochMilli(), Usd.toPico(pause.limitUsd()), Usd.toPico(pause.spentUsd()),
                Usd.toPico(pause.reservedUsd()), Usd.toPico(pause.requestedUsd()), pause.runId(), pause.taskId());
    }

    static int clearPauses(Tx tx, Scope scope, String who, long nowMs) throws SQLException {
        return tx.update("UPDATE budget_pauses SET cleared_ms = ?, cleared_by = ? WHERE scope = ? AND cleared_ms IS NULL",
                nowMs, who, scope.key());
    }

    private static BudgetPause pause(ResultSet rs) throws SQLException {
        return new BudgetPause(rs.getString(1), rs.getString(2), LocalDate.parse(rs.getString(3)),
                Instant.ofEpochMilli(rs.getLong(4)), Usd.fromPico(rs.getLong(5)), Usd.fromPico(rs.getLong(6)),
                Usd.fromPico(rs.getLong(7)), Usd.fromPico(rs.getLong(8)), rs.getString(9), rs.getString(10));
    }

    static void insertReservation(Tx tx, String id, String leaseId, LocalDate day, CallContext context, String modelId,
                                  long amountPico, long nowMs) throws SQLException {
        tx.update("INSERT INTO reservations (id, lease_id, day, run_id, task_id, agent, model_id, amount_pusd, created_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, leaseId, day.toString(), context.runId(), context.taskId(),
                context.agent(), modelId, amountPico, nowMs);
    }

    /** The day a reservation was counted against, if it is still held. */
    static Optional<LocalDate> reservationDay(Tx tx, String id) throws SQLException {
        return tx.one("SELECT day FROM reservations WHERE id = ?", rs -> LocalDate.parse(rs.getString(1)), id);
    }

    static void deleteReservation(Tx tx, String id) throws SQLException {
        tx.update("DELETE FROM reservations WHERE id = ?", id);
    }

    static boolean ledgerHas(Tx tx, String id) throws SQLException {
        return tx.one("SELECT id FROM ledger WHERE id = ?", rs -> rs.getString(1), id).isPresent();
    }

    static void insertLedger(Tx tx, String id, long nowMs, LocalDate day, CallContext context, CallResult result,
                             long costPico, long reservedPico) throws SQLException {
        TokenUsage u = result.usage();
        tx.update("INSERT INTO ledger (id, at_ms, day, run_id, task_id, attempt, agent, tier, model_id, input_tokens, "
                + "output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_pusd, "
                + "reserved_pusd, request_id, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id, nowMs, day.toString(), context.runId(), context.taskId(), context.attempt(), context.agent(),
                context.tier().id(), result.answeredModelId(), u.input(), u.output(), u.cacheWrite5m(), u.cacheWrite1h(),
                u.cacheRead(), costPico, reservedPico, result.requestId().orElse(null),
                result.outcome().name().toLowerCase(java.util.Locale.ROOT));
    }
}
