package dev.kleiber.ledger;

import java.util.Optional;

/** What a finished (or broken) call used: the model id the API answered with, its usage and request id. */
public record CallResult(String answeredModelId, TokenUsage usage, CallOutcome outcome, Optional<String> requestId) {
}
