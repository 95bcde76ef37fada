package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.UnknownPriceException;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.LlmCallException;
import dev.kleiber.llm.LlmRequest;
import dev.kleiber.llm.Message;
import dev.kleiber.llm.RetryPolicy;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Issue 13 defect 4: a model failure that no retry or stronger model fixes is the environment's, never the agent's. */
class ModelFailuresTest {
    private static final String KEY = "sk-ant-test-KLEIBER-0123456789";

    @Test
    void aRetiredModelTheApiAnswers404ForIsAnEnvironmentFailureNamingModelTierFileAndFix() {
        LlmCallException refused;
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.enqueue(FakeReply.error(404, "not_found_error", "model: claude-3-haiku-20240307"));
            AnthropicClient client = AnthropicClient.create(AnthropicSettings.fromEnv(Map.of("ANTHROPIC_API_KEY", KEY,
                    "ANTHROPIC_BASE_URL", api.baseUrl().toString())), new RecordingBudget(), Clock.systemUTC());
            try {
                refused = catchThrowableOfType(LlmCallException.class, () -> client.send(
                        new CallContext("run-1", "t1", 1, "engineer-backend", Tier.HAIKU),
                        LlmRequest.of("claude-3-haiku-20240307", List.of(), List.of(), List.of(Message.user("hi")), 100)));
            } finally {
                client.close();
            }
        }

        SessionOutcome.Failed failed = ModelFailures.failed(refused, "claude-3-haiku-20240307", Tier.HAIKU);

        assertThat(failed.cause()).isInstanceOf(SessionOutcome.EnvironmentFault.class);
        assertThat(failed.reason()).contains("claude-3-haiku-20240307").contains("tier haiku")
                .contains("models.haiku").contains(".kleiber/kleiber.yaml").contains("404");
        assertThat(((SessionOutcome.EnvironmentFault) failed.cause()).fix()).contains("`kleiber models`");
    }

    @Test
    void aModelWithNoKnownPriceIsAnEnvironmentFailure() {
        SessionOutcome.Failed failed = ModelFailures.failed(new UnknownPriceException("claude-new-1"), "claude-new-1",
                Tier.SONNET);

        assertThat(failed.cause()).isInstanceOf(SessionOutcome.EnvironmentFault.class);
        assertThat(failed.reason()).contains("claude-new-1").contains("has no known price");
        assertThat(((SessionOutcome.EnvironmentFault) failed.cause()).fix()).contains("prices:").contains("kleiber models");
    }

    @Test
    void anUnreachableApiStaysTheAttemptsFailureToRetry() {
        SessionOutcome.Failed failed = ModelFailures.failed(KleiberException.failed("could not reach the API (timeout)"),
                "claude-sonnet-4-5", Tier.SONNET);

        assertThat(failed).isEqualTo(new SessionOutcome.Failed("the model could not be reached: could not reach the API (timeout)"));
        assertThat(failed.cause()).isInstanceOf(SessionOutcome.AgentFault.class);
    }

    /** A client that tries twice without waiting, against {@code baseUrl}; what it threw after both tries. */
    private static LlmCallException afterRetries(String baseUrl) {
        AnthropicClient client = new AnthropicClient(AnthropicSettings.fromEnv(Map.of("ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", baseUrl)), new RecordingBudget(),
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(5)), Clock.systemUTC(),
                duration -> { }, () -> 0.5);
        try {
            return catchThrowableOfType(LlmCallException.class, () -> client.send(
                    new CallContext("run-1", "t1", 1, "engineer-backend", Tier.SONNET),
                    LlmRequest.of("claude-sonnet-5-5", List.of(), List.of(), List.of(Message.user("hi")), 100)));
        } finally {
            client.close();
        }
    }

    @Test
    void anApiStillOverloadedAfterTheClientsRetriesStopsTheTaskInsteadOfClimbingTheLadder() {
        LlmCallException overloaded;
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> FakeReply.error(529, "overloaded_error", "Overloaded"));
            overloaded = afterRetries(api.baseUrl().toString());
            assertThat(api.requests()).hasSize(2);
        }

        SessionOutcome.Failed failed = ModelFailures.failed(overloaded, "claude-sonnet-5-5", Tier.SONNET);

        assertThat(failed.cause()).isInstanceOf(SessionOutcome.EnvironmentFault.class);
        assertThat(failed.reason()).contains("could not be reached").contains("after 2 tries").contains("529");
        assertThat(((SessionOutcome.EnvironmentFault) failed.cause()).fix()).contains("status.anthropic.com")
                .contains("kleiber resume");
    }

    @Test
    void anApiThatCannotBeConnectedToAfterRetriesIsAnEnvironmentStop() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        SessionOutcome.Failed failed = ModelFailures.failed(afterRetries("http://127.0.0.1:" + closed), "claude-sonnet-5-5",
                Tier.SONNET);

        assertThat(failed.cause()).isInstanceOf(SessionOutcome.EnvironmentFault.class);
        assertThat(failed.reason()).contains("could not reach the API");
    }
}
