package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;

/** Whom an LLM call is for: the run, task, attempt and agent it is billed to, and the tier it was routed to. */
public record CallContext(String runId, String taskId, int attempt, String agent, Tier tier) {
}
