package dev.kleiber.llm;

import dev.kleiber.ledger.CallContext;

/**
 * Sends a request to a Claude model and returns its whole answer. Every attempt is reserved against
 * and settled with the {@link dev.kleiber.ledger.CallBudget} the client was built with.
 */
public interface LlmClient {

    /**
     * @throws dev.kleiber.ledger.BudgetExceededException when an attempt's reservation would pass a limit
     * @throws LlmCallException                           when the API refused or failed for good
     */
    LlmResponse send(CallContext context, LlmRequest request, StreamListener listener);

    default LlmResponse send(CallContext context, LlmRequest request) {
        return send(context, request, StreamListener.NONE);
    }

    /**
     * The input tokens {@code request} would cost, to decide whether a conversation must be compacted before it
     * outgrows the model's context window. Costs nothing; a client that cannot ask the API answers
     * {@link TokenEstimate}'s high estimate.
     */
    default long countInputTokens(LlmRequest request) {
        return TokenEstimate.of(request);
    }
}
