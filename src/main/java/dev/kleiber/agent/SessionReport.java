package dev.kleiber.agent;

import dev.kleiber.ledger.TokenUsage;

import java.util.Optional;

/**
 * What one session did: its outcome, the model the API answered with (the last one), the tokens of all its
 * calls, the turns it took, and the approach the agent stated first.
 */
public record SessionReport(SessionOutcome outcome, Optional<String> answeredModel, TokenUsage usage, int turns,
                            Optional<String> approach, boolean scripted) {
}
