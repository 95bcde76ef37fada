package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.net.URI;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The spending limits ({@code budget:} in kleiber.yaml): a daily limit counted in {@code zone}, optional caps per
 * run and per task, and an optional webhook told when a limit pauses the work.
 */
public record BudgetLimits(BigDecimal dailyUsd, ZoneId zone, Optional<BigDecimal> perRunUsd,
                           Optional<BigDecimal> perTaskUsd, Optional<URI> webhook) {
    /** The blueprint's cost guard: $50 a day, counted in UTC, no other caps. */
    public static final BudgetLimits DEFAULTS = new BudgetLimits(new BigDecimal("50"), ZoneId.of("UTC"),
            Optional.empty(), Optional.empty(), Optional.empty());

    public BudgetLimits {
        if (dailyUsd.signum() <= 0 || perRunUsd.map(BigDecimal::signum).orElse(1) <= 0
                || perTaskUsd.map(BigDecimal::signum).orElse(1) <= 0) {
            throw new IllegalArgumentException("budget limits must be more than $0");
        }
    }
}
