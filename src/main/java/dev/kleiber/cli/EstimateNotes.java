package dev.kleiber.cli;

import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.CostEstimator;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.Usd;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an estimate assumes and what it means for today's budget: the tokenizer generation its token counts are
 * scaled to, and whether its high end passes what is left of the daily budget, said before anything runs.
 */
final class EstimateNotes {
    private EstimateNotes() {
    }

    /**
     * "Token counts assume the Claude 4.7-and-later tokenizer (~30% more tokens for the same text), the tokenizer of
     * the configured models."; when the models differ in generation, which model counts with which.
     */
    static String tokenizer(CostEstimator estimator) {
        var used = estimator.tokenizers();
        if (used.size() == 1) {
            return "Token counts assume " + used.keySet().iterator().next().description()
                    + ", the tokenizer of the configured models.";
        }
        return "Token counts assume " + used.entrySet().stream()
                .map(e -> e.getKey().description() + " for " + and(e.getValue()))
                .collect(Collectors.joining(", and ")) + ".";
    }

    private static String and(java.util.List<String> items) {
        return items.size() == 1 ? items.getFirst()
                : String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
    }

    /** What is left of today's budget; the whole daily limit when no call was ever recorded (no store yet). */
    static BigDecimal remainingToday(LedgerSettings settings, Clock clock) {
        if (settings.store() instanceof StoreUrl.Sqlite sqlite && !Files.exists(sqlite.file())) {
            return settings.limits().dailyUsd();
        }
        try (Store store = Store.open(settings.store(), clock)) {
            BudgetStatus status = new Ledger(store, settings.prices(), settings.models(), settings.limits(), clock).status();
            return status.remainingUsd();
        }
    }

    /** A warning when the plan's high estimate passes what is left of today's budget; empty when it fits. */
    static Optional<String> budget(CostEstimator.Range estimate, BigDecimal remainingToday) {
        if (estimate.high().compareTo(remainingToday) <= 0) {
            return Optional.empty();
        }
        return Optional.of("Note: the high estimate " + Usd.fine(estimate.high()) + " passes the " + Usd.fine(remainingToday)
                + " left of today's budget: if the work runs long, the budget guard will pause it for a person"
                + " (`kleiber budget raise --to USD` to allow more now).");
    }
}
