package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/** One row of the ledger: a single model call of a task's attempt, with its tokens, cost and outcome. */
public record LedgerCall(Instant at, int attempt, String agent, String tier, String modelId, TokenUsage tokens,
                         BigDecimal costUsd, String outcome) {
}
