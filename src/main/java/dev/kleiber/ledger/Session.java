package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The calls of one agent session (one attempt at one task), added up from the ledger. */
public record Session(String runId, String taskId, int attempt, String agent, List<String> models, long calls,
                      TokenUsage tokens, BigDecimal costUsd, Instant endedAt) {
    public Session {
        models = List.copyOf(models);
    }
}
