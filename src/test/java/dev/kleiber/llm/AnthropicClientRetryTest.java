package dev.kleiber.llm;

import dev.kleiber.KleiberException;
import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.fake.FakeReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kleiber's one retry policy, against the fake server through the real SDK, with a fake clock. */
class AnthropicClientRetryTest extends FakeApiTestSupport {

    static final FakeReply OK = FakeReply.answer(FakeReply.text("done"));

    LlmResponse sendOnce() {
        return client().send(CONTEXT, request());
    }

    void assertEveryAttemptReservedAndSettled(int attempts) {
        assertThat(budget.reserved()).hasSize(attempts);
        assertThat(budget.settled()).hasSize(attempts);
        assertThat(budget.open()).isEmpty();
    }

    @Test
    void rateLimitWaitsTheSecondsOfRetryAfter() {
        api.enqueue(FakeReply.error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
                .withHeader("retry-after", "2"), OK);

        assertThat(sendOnce().text()).isEqualTo("done");

        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2));
        assertThat(api.requests()).hasSize(2);
        assertEveryAttemptReservedAndSettled(2);
        assertThat(budget.settled()).extracting(s -> s.result().outcome()).containsExactly(CallOutcome.ERROR, CallOutcome.OK);
        assertThat(budget.settled().getFirst().result().usage()).isEqualTo(TokenUsage.NONE);
    }

    @Test
    void rateLimitWaitsUntilTheHttpDateOfRetryAfter() {
        // the fake clock stands at 2026-01-09T14:30:00Z
        api.enqueue(FakeReply.error(429, "rate_limit_error", "slow down")
                .withHeader("retry-after", "Fri, 09 Jan 2026 14:30:07 GMT"), OK);

        sendOnce();

        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterMsIsPreferredToRetryAfter() {
        api.enqueue(FakeReply.error(429, "rate_limit_error", "slow down")
                .withHeader("retry-after-ms", "1500").withHeader("retry-after", "9"), OK);

        sendOnce();

        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(1500));
    }

    @ParameterizedTest(name = "HTTP {0} {1} is retried with backoff")
    @CsvSource({"529, overloaded_error", "500, api_error", "502, api_error", "503, api_error", "504, api_error"})
    void overloadedAndServerErrorsBackOffWithFullJitter(int status, String type) {
        api.enqueue(FakeReply.error(status, type, "try again"), FakeReply.error(status, type, "try again"), OK);

        assertThat(sendOnce().text()).isEqualTo("done");

        // full jitter with the test's jitter of 0.5: half of 1 s, then half of 2 s
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertEveryAttemptReservedAndSettled(3);
    }

    @ParameterizedTest(name = "HTTP {0} is not retried")
    @CsvSource({
            "400, invalid_request_error, messages: roles must alternate, 1",
            "401, authentication_error, invalid x-api-key, 2",
            "403, permission_error, Your API key does not have permission to use the specified resource, 2",
            "404, not_found_error, Not Found, 2",
            "413, request_too_large, Request exceeds the maximum allowed number of bytes, 1"})
    void clientErrorsAreNotRetriedAndNameStatusAndMessage(int status, String type, String message, int exitCode) {
        api.enqueue(FakeReply.error(status, type, message), OK);

        assertThatThrownBy(this::sendOnce)
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("HTTP " + status)
                .hasMessageContaining(type)
                .hasMessageContaining(message)
                .hasMessageContaining("task feat-001")
                .satisfies(e -> assertThat(((KleiberException) e).exitCode()).isEqualTo(exitCode))
                .satisfies(e -> assertThat(((LlmCallException) e).failure()).isInstanceOf(LlmFailure.ApiError.class));
        assertThat(api.requests()).hasSize(1);
        assertThat(time.sleeps()).isEmpty();
        assertEveryAttemptReservedAndSettled(1);
        assertThat(budget.settled().getFirst().result().outcome()).isEqualTo(CallOutcome.ERROR);
    }

    @Test
    void aModelTheApiDoesNotKnowIsATypedFailureNamingModelTierOriginAndFix() {
        api.retire("claude-sonnet-4-5");

        assertThatThrownBy(this::sendOnce)
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("Model claude-sonnet-4-5 (tier sonnet, chosen by .kleiber/kleiber.yaml ('models.sonnet'))")
                .hasMessageContaining("404 not_found_error: model: claude-sonnet-4-5")
                .hasMessageContaining("kleiber models")
                .satisfies(e -> assertThat(((KleiberException) e).exitCode()).isEqualTo(KleiberException.BAD_INPUT))
                .satisfies(e -> assertThat(((LlmCallException) e).failure())
                        .isEqualTo(new LlmFailure.ModelUnavailable("claude-sonnet-4-5", "model: claude-sonnet-4-5",
                                Optional.of("req_fake_1"))));
        assertThat(api.requests()).hasSize(1);
        assertThat(time.sleeps()).isEmpty();
        assertEveryAttemptReservedAndSettled(1);
    }

    @Test
    void aModelWithNoPriceIsATypedFailureAndNeverCalled() {
        LlmRequest unpriced = new LlmRequest("claude-unheard-of-1", request().system(), request().tools(),
                request().messages(), request().maxTokens(), request().temperature());
        AnthropicClient client = track(new AnthropicClient(settings(), new dev.kleiber.ledger.CallBudget() {
            @Override
            public dev.kleiber.ledger.Reservation reserve(dev.kleiber.ledger.CallContext context, String modelId,
                                                          long maxInputTokens, long maxOutputTokens) {
                throw new dev.kleiber.ledger.UnknownPriceException(modelId);
            }

            @Override
            public void settle(dev.kleiber.ledger.Reservation reservation, dev.kleiber.ledger.CallResult result) {
                throw new AssertionError("nothing was reserved");
            }
        }, RetryPolicy.standard(), time, time, () -> 0.5));

        assertThatThrownBy(() -> client.send(CONTEXT, unpriced))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("Model claude-unheard-of-1 (tier sonnet")
                .hasMessageContaining("no price is known")
                .satisfies(e -> assertThat(((LlmCallException) e).failure()).isEqualTo(new LlmFailure.Unpriced("claude-unheard-of-1")))
                .satisfies(e -> assertThat(RetryPolicy.isRetryable(((LlmCallException) e).failure())).isFalse());
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aServerThatIsSilentUntilEachAttemptTimesOutCannotHoldACallPastItsBound() {
        // each attempt "takes" two minutes before the stream breaks off, as a read timeout would
        api.respondWith(request -> {
            time.pass(Duration.ofMinutes(2));
            return FakeReply.error(529, "overloaded_error", "Overloaded");
        });
        List<String> progress = new java.util.ArrayList<>();

        assertThatThrownBy(() -> client().send(CONTEXT, request(), new StreamListener() {
            @Override
            public void onRetry(RetryNotice notice) {
                progress.add(notice.text());
            }
        })).isInstanceOf(LlmCallException.class).hasMessageContaining("gave up after waiting");

        // six attempts would have taken twelve minutes; the five-minute bound stops it after the third
        assertThat(api.requests()).hasSize(3);
        assertThat(progress).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("API overloaded, retrying in ")
                .contains("overloaded_error"));
        assertThat(progress.getFirst()).contains("(attempt 2 of 6)");
        assertThat(progress.get(1)).contains("(attempt 3 of 6)");
        assertThat(Duration.between(java.time.Instant.parse("2026-01-09T14:30:00Z"), time.instant()))
                .isLessThan(Duration.ofMinutes(8));
    }

    @Test
    void aSpendLimitRateLimitIsNotRetried() {
        api.enqueue(FakeReply.error(429, "rate_limit_error",
                "You have reached your specified API usage limits. You will regain access on 2026-02-01 at 00:00 UTC."), OK);

        assertThatThrownBy(this::sendOnce)
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("You have reached your specified API usage limits")
                .hasMessageContaining("spend limit");
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void attemptsAreCapped() {
        api.respondWith(request -> FakeReply.error(529, "overloaded_error", "Overloaded"));
        RetryPolicy threeAttempts = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5));

        assertThatThrownBy(() -> client(threeAttempts).send(CONTEXT, request()))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("HTTP 529 overloaded_error: Overloaded")
                .hasMessageContaining("gave up after 3 attempts")
                .satisfies(e -> assertThat(((LlmCallException) e).attempts()).isEqualTo(3));
        assertThat(api.requests()).hasSize(3);
        assertEveryAttemptReservedAndSettled(3);
    }

    @Test
    void totalWaitIsCapped() {
        api.enqueue(FakeReply.error(429, "rate_limit_error", "slow down").withHeader("retry-after", "600"), OK);

        assertThatThrownBy(this::sendOnce)
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("asked to wait 600.0 s, more than the 300.0 s left");
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void backoffStopsWhenTheTotalWaitIsSpent() {
        api.respondWith(request -> FakeReply.error(500, "api_error", "Internal server error"));
        RetryPolicy smallWait = new RetryPolicy(10, Duration.ofSeconds(4), Duration.ofSeconds(60), Duration.ofSeconds(5));

        assertThatThrownBy(() -> client(smallWait).send(CONTEXT, request()))
                .hasMessageContaining("HTTP 500");

        assertThat(time.sleeps().stream().reduce(Duration.ZERO, Duration::plus)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theBudgetIsCheckedAgainBeforeEachRetry() {
        budget.grantOnly(1);
        api.enqueue(FakeReply.error(529, "overloaded_error", "Overloaded"), OK);

        assertThatThrownBy(this::sendOnce).isInstanceOf(BudgetExceededException.class);

        assertThat(api.requests()).hasSize(1);
        assertThat(budget.settled()).singleElement()
                .satisfies(s -> assertThat(s.result().outcome()).isEqualTo(CallOutcome.ERROR));
        assertThat(budget.open()).isEmpty();
    }

    @Test
    void theApiCanSayNotToRetry() {
        api.enqueue(FakeReply.error(500, "api_error", "do not retry this").withHeader("x-should-retry", "false"), OK);

        assertThatThrownBy(this::sendOnce).hasMessageContaining("HTTP 500");
        assertThat(api.requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 409})
    void timeoutAndConflictAreRetried(int status) {
        api.enqueue(FakeReply.error(status, "api_error", "again"), OK);

        assertThat(sendOnce().text()).isEqualTo("done");
        assertThat(api.requests()).hasSize(2);
    }

    @Test
    void anInterruptedWaitCancelsTheCallAndKeepsTheInterrupt() {
        api.enqueue(FakeReply.error(529, "overloaded_error", "Overloaded"), OK);
        Sleeper interrupted = d -> {
            throw new InterruptedException();
        };
        AnthropicClient client = track(new AnthropicClient(settings(), budget, RetryPolicy.standard(),
                time, interrupted, () -> 0.5));
        try {
            assertThatThrownBy(() -> client.send(CONTEXT, request()))
                    .isInstanceOf(LlmCallException.class)
                    .hasMessageContaining("cancelled")
                    .satisfies(e -> assertThat(((LlmCallException) e).failure()).isInstanceOf(LlmFailure.Cancelled.class));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(api.requests()).hasSize(1);
        assertThat(budget.open()).isEmpty();
    }
}
