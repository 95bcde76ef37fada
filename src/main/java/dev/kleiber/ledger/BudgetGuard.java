package dev.kleiber.ledger;

import dev.kleiber.store.Lease;
import dev.kleiber.store.LeaseLostException;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreException;
import dev.kleiber.store.Tx;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The budget every LLM call passes. {@link #reserve} sets aside the call's worst case in one serialised
 * transaction that sees every other process's spend and live reservations, and refuses it — pausing the work
 * and telling the {@link BudgetAlert} — when it would pass the daily, per-run or per-task limit. {@link #settle}
 * replaces the reservation by the real cost. Reservations belong to {@code lease}: when the process dies and the
 * lease expires, they stop counting.
 */
public final class BudgetGuard implements CallBudget {
    private static final int SETTLE_ATTEMPTS = 3;

    private final Store store;
    private final PriceTable prices;
    private final BudgetLimits limits;
    private final Clock clock;
    private final Lease lease;
    private final BudgetAlert alert;

    public BudgetGuard(Store store, PriceTable prices, BudgetLimits limits, Clock clock, Lease lease, BudgetAlert alert) {
        this.store = store;
        this.prices = prices;
        this.limits = limits;
        this.clock = clock;
        this.lease = lease;
        this.alert = alert;
    }

    private sealed interface Decision {
    }

    private record Granted(Reservation reservation) implements Decision {
    }

    /** Refused; {@code fresh} when this refusal started the pause (and so must be announced). */
    private record Refused(BudgetPause pause, boolean fresh) implements Decision {
    }

    @Override
    public Reservation reserve(CallContext context, String modelId, long maxInputTokens, long maxOutputTokens) {
        if (maxInputTokens < 0 || maxOutputTokens < 0) {
            throw new IllegalArgumentException("token bounds cannot be negative");
        }
        BigDecimal worstCase = prices.priceOf(modelId).worstCase(maxInputTokens, maxOutputTokens);
        long amount = Usd.toPico(worstCase);
        Decision decision = store.database().write(tx -> decide(tx, context, modelId, amount));
        return switch (decision) {
            case Granted granted -> granted.reservation();
            case Refused refused -> {
                if (refused.fresh()) {
                    alert.paused(refused.pause());
                }
                BudgetPause p = refused.pause();
                throw new BudgetExceededException(capitalised(p.limitName()), p.limitUsd().setScale(2, RoundingMode.HALF_UP),
                        Usd.fineAmount(p.spentUsd().add(p.reservedUsd())), Usd.fineAmount(worstCase));
            }
        };
    }

    private Decision decide(Tx tx, CallContext context, String modelId, long amount) throws SQLException {
        tx.lock("budget");
        long now = clock.millis();
        LedgerTables.releaseExpired(tx, now);
        if (!tx.one("SELECT id FROM leases WHERE id = ? AND expires_ms > ?", rs -> rs.getString(1), lease.id(), now)
                .isPresent()) {
            throw new LeaseLostException("the budget lease of " + lease.holder() + " has expired; its reservations "
                    + "were released and no call may be made under it");
        }
        LocalDate day = LocalDate.ofInstant(clock.instant(), limits.zone());
        List<Scope> scopes = new ArrayList<>();
        scopes.add(Scope.day(day));
        limits.perRunUsd().ifPresent(x -> scopes.add(Scope.run(context.runId())));
        limits.perTaskUsd().ifPresent(x -> scopes.add(Scope.task(context.runId(), context.taskId())));
        for (Scope scope : scopes) {
            Optional<BudgetPause> open = LedgerTables.openPause(tx, scope);
            if (open.isPresent()) {
                return new Refused(open.get(), false);
            }
            long limit = LedgerTables.limit(tx, scope, Usd.toPico(configured(scope)));
            long spent = LedgerTables.spent(tx, scope);
            long reserved = LedgerTables.reserved(tx, scope, now);
            if (spent + reserved + amount > limit) {
                BudgetPause pause = new BudgetPause(scope.key(), scope.limitName(), day, clock.instant(),
                        Usd.fromPico(limit), Usd.fromPico(spent), Usd.fromPico(reserved), Usd.fromPico(amount),
                        context.runId(), context.taskId());
                LedgerTables.insertPause(tx, pause);
                store.events().append(tx, context.runId(), context.taskId(), "budget.paused",
                        scope.key() + " limit " + Usd.cents(pause.limitUsd()) + " committed "
                                + Usd.fine(pause.spentUsd().add(pause.reservedUsd())) + " requested "
                                + Usd.fine(pause.requestedUsd()));
                return new Refused(pause, true);
            }
        }
        String id = UUID.randomUUID().toString();
        LedgerTables.insertReservation(tx, id, lease.id(), day, context, modelId, amount, now);
        return new Granted(new Reservation(id, context, modelId, Usd.fromPico(amount)));
    }

    private BigDecimal configured(Scope scope) {
        return switch (scope.limitName()) {
            case "daily" -> limits.dailyUsd();
            case "per-run" -> limits.perRunUsd().orElseThrow();
            default -> limits.perTaskUsd().orElseThrow();
        };
    }

    /**
     * Writes the ledger row at the real cost and drops the reservation. Works on a cancelled (interrupted)
     * thread too; a reservation settled twice is an error, since it would bill a call twice.
     */
    @Override
    public void settle(Reservation reservation, CallResult result) {
        // The answered id is priced when known; a snapshot the table lacks is billed at the reserved model's price.
        ModelPrice price = prices.find(result.answeredModelId()).orElseGet(() -> prices.priceOf(reservation.modelId()));
        long cost = Usd.toPico(price.cost(result.usage()));
        boolean interrupted = Thread.interrupted();
        try {
            StoreException last = null;
            for (int attempt = 1; attempt <= SETTLE_ATTEMPTS; attempt++) {
                try {
                    store.database().write(tx -> record(tx, reservation, result, cost));
                    return;
                } catch (StoreException e) {
                    last = e;
                    if (isAlreadySettled(reservation)) {
                        return; // the commit went through before the connection failed
                    }
                }
            }
            throw last;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean isAlreadySettled(Reservation reservation) {
        try {
            return store.database().read(tx -> LedgerTables.ledgerHas(tx, reservation.id()));
        } catch (StoreException e) {
            return false;
        }
    }

    private Void record(Tx tx, Reservation reservation, CallResult result, long cost) throws SQLException {
        if (LedgerTables.ledgerHas(tx, reservation.id())) {
            throw new IllegalStateException("reservation " + reservation.id() + " was already settled; "
                    + "settling it again would bill the call twice");
        }
        long now = clock.millis();
        LocalDate day = LedgerTables.reservationDay(tx, reservation.id())
                .orElse(LocalDate.ofInstant(clock.instant(), limits.zone()));
        long reserved = Usd.toPico(reservation.amountUsd());
        LedgerTables.insertLedger(tx, reservation.id(), now, day, reservation.context(), result, cost, reserved);
        LedgerTables.deleteReservation(tx, reservation.id());
        if (cost > reserved) {
            CallContext c = reservation.context();
            store.events().append(tx, c.runId(), c.taskId(), "budget.overrun", "call " + reservation.id()
                    + " cost " + Usd.fine(Usd.fromPico(cost)) + " but reserved " + Usd.fine(reservation.amountUsd()));
        }
        return null;
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
