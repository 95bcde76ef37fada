package dev.kleiber.claudecode;

import dev.kleiber.ledger.TokenUsage;

/** One Messages API call that passed the proxy: the model asked for, the model that answered, its HTTP status, usage. */
public record MeteredCall(String requestedModel, String answeredModel, int status, boolean streamed, TokenUsage usage) {
}
