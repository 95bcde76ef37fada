package dev.kleiber.llm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    static final Instant NOW = Instant.parse("2026-01-09T14:30:00Z");

    static Optional<Duration> retryAfter(Map<String, String> headers) {
        return RetryAfter.parse(name -> Optional.ofNullable(headers.get(name)), NOW);
    }

    static LlmFailure.ApiError error(int status, String message) {
        return new LlmFailure.ApiError(status, "rate_limit_error", message, Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void readsRetryAfterInItsThreeForms() {
        assertThat(retryAfter(Map.of("retry-after", "3"))).contains(Duration.ofSeconds(3));
        assertThat(retryAfter(Map.of("retry-after", "0.5"))).contains(Duration.ofMillis(500));
        assertThat(retryAfter(Map.of("retry-after-ms", "250", "retry-after", "3"))).contains(Duration.ofMillis(250));
        assertThat(retryAfter(Map.of("retry-after", "Fri, 09 Jan 2026 14:31:00 GMT"))).contains(Duration.ofMinutes(1));
        assertThat(retryAfter(Map.of("retry-after", "Fri, 09 Jan 2026 14:00:00 GMT"))).contains(Duration.ZERO);
        assertThat(retryAfter(Map.of("retry-after", "soon"))).isEmpty();
        assertThat(retryAfter(Map.of("retry-after", "-4"))).isEmpty();
        assertThat(retryAfter(Map.of())).isEmpty();
    }

    @Test
    void tellsASpendLimitFromARateLimit() {
        assertThat(RetryPolicy.isSpendLimit(error(429, "You have reached your specified API usage limits."))).isTrue();
        assertThat(RetryPolicy.isSpendLimit(error(429, "Your workspace spend limit was reached"))).isTrue();
        assertThat(RetryPolicy.isSpendLimit(error(429, "Your credit balance is too low"))).isTrue();
        assertThat(RetryPolicy.isSpendLimit(error(429, "Number of request tokens has exceeded your per-minute rate limit"))).isFalse();
        assertThat(RetryPolicy.isRetryable(error(429, "rate limit exceeded"))).isTrue();
        assertThat(RetryPolicy.isRetryable(error(429, "You have reached your specified API usage limits."))).isFalse();
    }

    @Test
    void backoffDoublesUpToItsCeilingWithFullJitter() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1));
        LlmFailure overloaded = new LlmFailure.StreamError("overloaded_error", "Overloaded", Optional.empty());

        assertThat(policy.decide(overloaded, 1, Duration.ZERO, () -> 0.999)).isInstanceOfSatisfying(
                RetryPolicy.Decision.Retry.class, r -> assertThat(r.delay()).isBetween(Duration.ofMillis(990), Duration.ofSeconds(1)));
        assertThat(policy.decide(overloaded, 3, Duration.ZERO, () -> 0.5)).isEqualTo(
                new RetryPolicy.Decision.Retry(Duration.ofSeconds(2), overloaded.describe()));
        assertThat(policy.decide(overloaded, 9, Duration.ZERO, () -> 0.5)).isEqualTo(
                new RetryPolicy.Decision.Retry(Duration.ofSeconds(4), overloaded.describe()));
        assertThat(policy.decide(overloaded, 2, Duration.ZERO, () -> 0.0)).isEqualTo(
                new RetryPolicy.Decision.Retry(Duration.ZERO, overloaded.describe()));
        assertThat(policy.decide(overloaded, 10, Duration.ZERO, () -> 0.5)).isInstanceOf(RetryPolicy.Decision.GiveUp.class);
    }

    @Test
    void neverRetriesWhatARetryCannotFix() {
        assertThat(RetryPolicy.isRetryable(new LlmFailure.Malformed("html"))).isFalse();
        assertThat(RetryPolicy.isRetryable(new LlmFailure.Cancelled())).isFalse();
        assertThat(RetryPolicy.isRetryable(new LlmFailure.StreamError("invalid_request_error", "too long", Optional.empty()))).isFalse();
        assertThat(RetryPolicy.isRetryable(new LlmFailure.StreamCut("EOF"))).isTrue();
        assertThat(RetryPolicy.isRetryable(new LlmFailure.Unreachable("refused"))).isTrue();
    }
}
