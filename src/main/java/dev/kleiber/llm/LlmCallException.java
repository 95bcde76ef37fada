package dev.kleiber.llm;

import dev.kleiber.KleiberException;

/**
 * An LLM call failed for good: the API refused it, retries ran out, or the answer could not be used.
 * The message is for the user; {@link #failure()} says what happened for code that reacts to it.
 */
public final class LlmCallException extends KleiberException {
    private final LlmFailure failure;
    private final int attempts;

    LlmCallException(String message, int exitCode, LlmFailure failure, int attempts) {
        super(message, exitCode);
        this.failure = failure;
        this.attempts = attempts;
    }

    public LlmFailure failure() {
        return failure;
    }

    /** How many attempts were made, each reserved and settled. */
    public int attempts() {
        return attempts;
    }
}
