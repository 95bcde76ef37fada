package dev.kleiber.llm;

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

    /** The call failed and another attempt starts after the notice's delay. */
    default void onRetry(RetryNotice notice) {
    }
}
