package dev.kleiber.llm.fake;

import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.CallBudget;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallResult;
import dev.kleiber.ledger.Reservation;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An in-memory {@link CallBudget} for tests: records every reservation and settlement, refuses a reservation
 * once a set number have been granted, and fails a test that settles a reservation twice or one it never made.
 */
public final class RecordingBudget implements CallBudget {

    public record Reserved(Reservation reservation, long maxInputTokens, long maxOutputTokens) {
    }

    public record Settled(Reservation reservation, CallResult result) {
    }

    private final List<Reserved> reserved = new ArrayList<>();
    private final List<Settled> settled = new ArrayList<>();
    private final Set<String> open = new HashSet<>();
    private int grantLimit = Integer.MAX_VALUE;

    /** Refuse every reservation after the first {@code n}. */
    public synchronized RecordingBudget grantOnly(int n) {
        grantLimit = n;
        return this;
    }

    @Override
    public synchronized Reservation reserve(CallContext context, String modelId, long maxInputTokens, long maxOutputTokens) {
        if (reserved.size() >= grantLimit) {
            throw new BudgetExceededException("test", new BigDecimal("1.00"), new BigDecimal("1.00"), new BigDecimal("0.10"));
        }
        Reservation reservation = new Reservation("r" + (reserved.size() + 1), context, modelId,
                BigDecimal.valueOf(maxInputTokens + maxOutputTokens, 6));
        reserved.add(new Reserved(reservation, maxInputTokens, maxOutputTokens));
        open.add(reservation.id());
        return reservation;
    }

    @Override
    public synchronized void settle(Reservation reservation, CallResult result) {
        if (!open.remove(reservation.id())) {
            throw new AssertionError("settled twice or never reserved: " + reservation.id());
        }
        settled.add(new Settled(reservation, result));
    }

    public synchronized List<Reserved> reserved() {
        return List.copyOf(reserved);
    }

    public synchronized List<Settled> settled() {
        return List.copyOf(settled);
    }

    /** Reservations not settled yet; empty after every finished call. */
    public synchronized Set<String> open() {
        return Set.copyOf(open);
    }
}
