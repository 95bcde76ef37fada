package dev.kleiber.llm;

import java.time.Duration;

/**
 * Hears a call as it happens, for live display. Text of an attempt that later fails may already have
 * been shown; {@link #onRetry} says so before the next attempt starts over.
 */
public interface StreamListener {

    StreamListener NONE = new StreamListener() {
    };

    /** A piece of answer text, as it streams in. */
    default void onText(String delta) {
    }

    /** Attempt {@code nextAttempt} starts after {@code delay} because of {@code reason}. */
    default void onRetry(int nextAttempt, Duration delay, String reason) {
    }
}
