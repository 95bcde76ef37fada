package dev.kleiber.llm;

import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.FakeUsage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Streams that go wrong: error events, cut connections, bodies that are not the wire format, no server at all. */
class AnthropicClientStreamTest extends FakeApiTestSupport {

    static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO);
    static final FakeUsage USAGE = new FakeUsage(300, 40, 1200, 0, 5000);

    static FakeReply.Answer toolCall() {
        return FakeReply.answer(FakeReply.text("I will delete the build output."),
                        FakeReply.toolUse("toolu_9", "run_command", "{\"command\":\"rm -rf build\"}"))
                .withUsage(USAGE);
    }

    @Test
    void anOverloadedErrorEventInsideTheStreamIsRetriedAndItsPartialUsageBilled() {
        // message_start, ping, content_block_start, two text deltas, then an error event
        api.enqueue(new FakeReply.StreamError(toolCall(), 5, "overloaded_error", "Overloaded"),
                FakeReply.answer(FakeReply.text("done")));
        List<String> retries = new ArrayList<>();

        LlmResponse response = client().send(CONTEXT, request(), new StreamListener() {
            @Override
            public void onRetry(RetryNotice notice) {
                retries.add(notice.nextAttempt() + ": " + notice.reason());
            }
        });

        assertThat(response.text()).isEqualTo("done");
        assertThat(retries).singleElement().asString()
                .startsWith("2: ")
                .contains("error event in the response stream: overloaded_error: Overloaded");
        assertThat(budget.settled()).hasSize(2);
        var broken = budget.settled().getFirst().result();
        assertThat(broken.outcome()).isEqualTo(CallOutcome.ERROR);
        // what message_start reported before the error: input and cache traffic, one output token
        assertThat(broken.usage()).isEqualTo(new TokenUsage(300, 1, 1200, 0, 5000));
        assertThat(broken.requestId()).contains("req_fake_1");
    }

    @Test
    void anInvalidRequestErrorEventIsNotRetried() {
        api.enqueue(new FakeReply.StreamError(toolCall(), 1, "invalid_request_error", "prompt is too long"));

        assertThatThrownBy(() -> client().send(CONTEXT, request()))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("invalid_request_error: prompt is too long");
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aConnectionCutMidStreamBillsThePartialUsageAndNeverReturnsTheToolCalls() {
        // the text block and the start of the tool_use block, then the connection drops
        api.enqueue(new FakeReply.Cut(toolCall(), 7), FakeReply.answer(FakeReply.text("second try")));
        StringBuilder shown = new StringBuilder();

        assertThatThrownBy(() -> client(ONE_ATTEMPT).send(CONTEXT, request(), new StreamListener() {
            @Override
            public void onText(String delta) {
                shown.append(delta);
            }
        }))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("broke off before the answer was complete")
                .hasMessageNotContaining("without message_stop")
                .hasMessageContaining("EOFException")
                .hasMessageNotContaining("Retried")
                .satisfies(e -> assertThat(((LlmCallException) e).failure()).isInstanceOf(LlmFailure.StreamCut.class));

        assertThat(shown).hasToString("I will delete the build output.");
        assertThat(budget.settled()).singleElement().satisfies(s -> {
            assertThat(s.result().outcome()).isEqualTo(CallOutcome.ERROR);
            assertThat(s.result().usage()).isEqualTo(new TokenUsage(300, 1, 1200, 0, 5000));
        });
        assertThat(budget.open()).isEmpty();
    }

    @Test
    void aConnectionCutIsRetriedAndOnlyTheWholeAnswerIsReturned() {
        api.enqueue(new FakeReply.Cut(toolCall(), 8), FakeReply.answer(FakeReply.text("second try")));

        LlmResponse response = client().send(CONTEXT, request());

        assertThat(response.text()).isEqualTo("second try");
        assertThat(response.toolUses()).isEmpty();
        assertThat(budget.settled()).extracting(s -> s.result().outcome()).containsExactly(CallOutcome.ERROR, CallOutcome.OK);
    }

    @Test
    void aStreamThatEndsCleanlyWithoutMessageStopIsIncomplete() {
        // a proxy that closes the chunked body properly but too early: everything but message_delta and message_stop
        api.enqueue(new FakeReply.Raw(200, "text/event-stream", """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":42,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"run_command","input":{}}}

                """));

        assertThatThrownBy(() -> client(ONE_ATTEMPT).send(CONTEXT, request()))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("ended without message_stop");
        assertThat(budget.settled().getFirst().result().usage()).isEqualTo(new TokenUsage(42, 1, 0, 0, 0));
    }

    @Test
    void anHtmlPageInsteadOfAStreamIsAClearErrorAndNotRetried() {
        api.enqueue(new FakeReply.Raw(200, "text/html", "<html><body>Welcome to the captive portal</body></html>"));

        assertThatThrownBy(() -> client().send(CONTEXT, request()))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("could not be read")
                .hasMessageContaining("no Messages API events");
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void anEventThatIsNotJsonIsAClearErrorAndNotRetried() {
        api.enqueue(new FakeReply.Raw(200, "text/event-stream", """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"mess

                """));

        assertThatThrownBy(() -> client().send(CONTEXT, request()))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("could not be read");
        assertThat(api.requests()).hasSize(1);
        assertThat(budget.open()).isEmpty();
    }

    @Test
    void aServerErrorWithAnHtmlBodyIsRetriedAndDescribed() {
        RetryPolicy twoAttempts = new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1));
        api.respondWith(r -> new FakeReply.Raw(502, "text/html", "<html>Bad Gateway</html>"));

        assertThatThrownBy(() -> client(twoAttempts).send(CONTEXT, request()))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("no error message in the response body")
                .hasMessageContaining("gave up after 2 attempts");
    }

    @Test
    void anUnreachableApiIsRetriedThenNamed() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AnthropicSettings nowhere = AnthropicSettings.fromEnv(Map.of("ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + closedPort));
        RetryPolicy threeAttempts = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1));
        AnthropicClient client = track(new AnthropicClient(nowhere, budget, threeAttempts, time, time, () -> 0.5));

        assertThatThrownBy(() -> client.send(CONTEXT, request()))
                .isInstanceOf(LlmCallException.class)
                .hasMessageContaining("could not reach the API at " + URI.create("http://127.0.0.1:" + closedPort))
                .hasMessageContaining("gave up after 3 attempts");
        assertThat(budget.settled()).hasSize(3)
                .allSatisfy(s -> assertThat(s.result().usage()).isEqualTo(TokenUsage.NONE));
    }

    @Test
    void aToolCallCutOffByMaxTokensIsLeftOutNeverRunWithEmptyInput() {
        api.enqueue(FakeReply.answer(FakeReply.text("Writing the file."),
                FakeReply.toolUse("toolu_5", "write_file", "{\"path\":\"a.ts\",\"content\":\"export const")).withStopReason("max_tokens"));

        LlmResponse response = client(ONE_ATTEMPT).send(CONTEXT, request());

        assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(response.text()).isEqualTo("Writing the file.");
        assertThat(response.toolUses()).isEmpty();
        assertThat(budget.settled()).singleElement()
                .satisfies(s -> assertThat(s.result().outcome()).isEqualTo(CallOutcome.OK));
    }

    @Test
    void aToolWithoutInputIsKept() {
        api.enqueue(FakeReply.answer(FakeReply.toolUse("toolu_6", "list_files", "{}")));

        assertThat(client().send(CONTEXT, request()).toolUses()).singleElement()
                .satisfies(use -> assertThat(use.input().isEmpty()).isTrue());
    }
}
