package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/** The daily budget now: its limit, what is spent and reserved, what remains, open pauses and today's approvals. */
public record BudgetStatus(LocalDate day, ZoneId zone, BigDecimal limitUsd, BigDecimal spentUsd, BigDecimal reservedUsd,
                           BigDecimal remainingUsd, List<BudgetPause> pauses, List<Approval> approvals) {

    /** A person's decision to let more be spent: a raise to an amount, or an extra amount on top. */
    public record Approval(Instant at, String scope, String kind, BigDecimal amountUsd, String approvedBy) {
    }

    public BudgetStatus {
        pauses = List.copyOf(pauses);
        approvals = List.copyOf(approvals);
    }

    public boolean paused() {
        return !pauses.isEmpty();
    }
}
