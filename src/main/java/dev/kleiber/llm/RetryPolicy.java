package dev.kleiber.llm;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * Kleiber's one retry policy for LLM calls (the SDK's own retries are off). A 429 waits as long as the API
 * asks in {@code retry-after-ms} or {@code retry-after}; 529, 5xx, a broken stream and an unreachable API back
 * off exponentially with full jitter. Attempts and the total time spent waiting are both capped. Errors a
 * retry cannot fix (400, 401, 403, 404, 413, a 429 saying a spend limit was reached, an unreadable answer)
 * are never retried.
 *
 * @param maxAttempts  attempts in all, the first included
 * @param baseDelay    the backoff ceiling before the second attempt; it doubles for each later one
 * @param maxDelay     the backoff ceiling never grows past this
 * @param maxTotalWait the most time one call may have taken when a retry is considered, attempts and waits together
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxTotalWait) {

    private static final Set<Integer> NEVER_RETRIED = Set.of(400, 401, 403, 404, 413);
    private static final Set<String> RETRYABLE_STREAM_ERRORS =
            Set.of("overloaded_error", "api_error", "rate_limit_error", "timeout_error");
    /** How the API words a 429 that waiting a minute will not fix. */
    private static final Pattern SPEND_LIMIT = Pattern.compile(
            "(spend|spending|usage|billing|budget)\\s+limit|credit balance",
            Pattern.CASE_INSENSITIVE);

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxTotalWait, "maxTotalWait");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** Six attempts, backoff from 1 s doubling up to 60 s, no retry begun once a call has taken five minutes. */
    public static RetryPolicy standard() {
        return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5));
    }

    /** What to do after a failure; a reason to give up may be empty when there is nothing to add. */
    public sealed interface Decision {
        record Retry(Duration delay, String reason) implements Decision {
        }

        record GiveUp(String reason) implements Decision {
        }
    }

    /**
     * @param attemptsMade attempts made so far, the failed one included
     * @param waitedSoFar  time already spent waiting between attempts of this call
     * @param jitter       a uniformly random number in [0, 1) for each call
     */
    public Decision decide(LlmFailure failure, int attemptsMade, Duration waitedSoFar, DoubleSupplier jitter) {
        if (!isRetryable(failure)) {
            return new Decision.GiveUp("not retryable");
        }
        if (attemptsMade >= maxAttempts) {
            return new Decision.GiveUp(attemptsMade == 1 ? "" : "gave up after " + attemptsMade + " attempts");
        }
        Duration left = maxTotalWait.minus(waitedSoFar);
        if (failure instanceof LlmFailure.ApiError api && api.retryAfter().isPresent()) {
            Duration asked = api.retryAfter().get();
            if (asked.compareTo(left) > 0) {
                return new Decision.GiveUp("the API asked to wait %s, more than the %s left for retries"
                        .formatted(seconds(asked), seconds(left)));
            }
            return new Decision.Retry(asked, failure.describe() + "; waiting " + seconds(asked) + " as the API asked");
        }
        if (!left.isPositive()) {
            return new Decision.GiveUp("gave up after waiting " + seconds(waitedSoFar) + " in all");
        }
        Duration ceiling = min(min(maxDelay, exponential(attemptsMade)), left);
        Duration delay = Duration.ofNanos((long) (jitter.getAsDouble() * ceiling.toNanos()));
        return new Decision.Retry(delay, failure.describe());
    }

    /** Whether another attempt could succeed where this one failed. */
    public static boolean isRetryable(LlmFailure failure) {
        return switch (failure) {
            case LlmFailure.ApiError api -> api.shouldRetry().orElseGet(() -> isRetryableStatus(api));
            case LlmFailure.StreamError stream -> RETRYABLE_STREAM_ERRORS.contains(stream.errorType());
            case LlmFailure.StreamCut cut -> true;
            case LlmFailure.Unreachable unreachable -> true;
            case LlmFailure.Malformed malformed -> false;
            case LlmFailure.Cancelled cancelled -> false;
            case LlmFailure.ModelProblem model -> false;
        };
    }

    /** A 429 that says a spend or usage limit was reached: waiting will not help, a person must act. */
    public static boolean isSpendLimit(LlmFailure failure) {
        return failure instanceof LlmFailure.ApiError api && api.status() == 429
                && SPEND_LIMIT.matcher(api.apiMessage()).find();
    }

    private static boolean isRetryableStatus(LlmFailure.ApiError api) {
        int status = api.status();
        if (NEVER_RETRIED.contains(status)) {
            return false;
        }
        if (status == 429) {
            return !isSpendLimit(api);
        }
        return status == 408 || status == 409 || status >= 500;
    }

    private Duration exponential(int attemptsMade) {
        int doublings = Math.min(attemptsMade - 1, 30);
        return baseDelay.multipliedBy(1L << doublings);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
