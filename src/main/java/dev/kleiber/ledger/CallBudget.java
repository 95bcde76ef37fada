package dev.kleiber.ledger;

/**
 * The budget seam every LLM call passes: reserve the worst case, make the call, settle the real cost.
 * Implementations fail closed: an unknown price or a failed store read refuses the call.
 */
public interface CallBudget {

    /**
     * Sets aside the worst-case cost of a call: {@code maxInputTokens} at the input price plus
     * {@code maxOutputTokens} at the output price of {@code modelId}. A caller whose input may be written to the
     * prompt cache (dearer than plain input) counts those tokens at their price ratio, so the bound covers them.
     *
     * @throws BudgetExceededException when the reservation would pass a limit; the call must not be made
     * @throws dev.kleiber.KleiberException when the price is unknown or the store cannot be read
     */
    Reservation reserve(CallContext context, String modelId, long maxInputTokens, long maxOutputTokens);

    /** Replaces the reservation by the real cost and writes the ledger row. Called on every path, once. */
    void settle(Reservation reservation, CallResult result);
}
