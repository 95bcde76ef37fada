package dev.kleiber.llm;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A call that failed and is tried again: what a person watching a run is told, so that a silent or overloaded
 * API reads as progress ("API overloaded, retrying in 4.0 s (attempt 2 of 6)") rather than a hang.
 *
 * @param nextAttempt the attempt about to start, the first being 1
 * @param maxAttempts attempts the retry policy allows in all
 * @param problem     what went wrong, in a few words
 * @param reason      the failure as the API or the connection described it (the key redacted)
 */
public record RetryNotice(int nextAttempt, int maxAttempts, Duration delay, String problem, String reason) {
    public RetryNotice {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(reason, "reason");
    }

    /** The failure in a few words: the kind of trouble, not its wire details. */
    static String problemOf(LlmFailure failure) {
        return switch (failure) {
            case LlmFailure.ApiError api when api.status() == 529 || api.errorType().equals("overloaded_error") ->
                    "API overloaded";
            case LlmFailure.ApiError api when api.status() == 429 -> "API rate limit reached";
            case LlmFailure.ApiError api -> "API error (HTTP " + api.status() + ")";
            case LlmFailure.StreamError stream when stream.errorType().equals("overloaded_error") -> "API overloaded";
            case LlmFailure.StreamError stream -> "API error in the answer (" + stream.errorType() + ")";
            case LlmFailure.StreamCut cut -> "the answer broke off";
            case LlmFailure.Unreachable unreachable -> "API unreachable";
            case LlmFailure.Malformed malformed -> "unreadable answer";
            case LlmFailure.Cancelled cancelled -> "call cancelled";
            case LlmFailure.ModelProblem model -> "model unavailable";
        };
    }

    /** One line: {@code API overloaded, retrying in 4.0 s (attempt 2 of 6): HTTP 529 overloaded_error: Overloaded}. */
    public String text() {
        return String.format(Locale.ROOT, "%s, retrying in %.1f s (attempt %d of %d): %s", problem,
                delay.toMillis() / 1000.0, nextAttempt, maxAttempts, reason.strip().lines().findFirst().orElse(""));
    }
}
