package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

/** One day's tasks and spend per tier, for the Daily Summary block of {@code orchestration_log.md}. */
public record DailySummary(LocalDate day, int totalTasks, Map<Tier, TierUsage> byTier, BigDecimal totalUsd) {
    /** How many tasks ran calls on a tier, and what those calls cost. */
    public record TierUsage(int tasks, BigDecimal costUsd) {
    }

    public DailySummary {
        byTier = Map.copyOf(byTier);
    }
}
