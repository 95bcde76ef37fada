package dev.kleiber.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordedRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicClientTest extends FakeApiTestSupport {

    @Test
    void streamsAnAnswerWithTextAndToolUseThroughTheSdk() {
        api.enqueue(FakeReply.answer(
                        FakeReply.text("Reading the schema first."),
                        FakeReply.toolUse("toolu_2", "read_file", "{\"path\":\"src/db/schema.sql\",\"limit\":40}"))
                .withModel("claude-sonnet-4-5-20250929")
                .withUsage(new FakeUsage(120, 35, 2000, 500, 7000)));
        StringBuilder streamed = new StringBuilder();

        LlmResponse response = client().send(CONTEXT, request(), new StreamListener() {
            @Override
            public void onText(String delta) {
                streamed.append(delta);
            }
        });

        assertThat(response.text()).isEqualTo("Reading the schema first.");
        assertThat(streamed).hasToString("Reading the schema first.");
        assertThat(response.toolUses()).singleElement().satisfies(use -> {
            assertThat(use.id()).isEqualTo("toolu_2");
            assertThat(use.name()).isEqualTo("read_file");
            assertThat(use.input()).isEqualTo(json("{\"path\":\"src/db/schema.sql\",\"limit\":40}"));
        });
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(response.answeredModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(response.usage()).isEqualTo(new TokenUsage(120, 35, 2000, 500, 7000));
        assertThat(response.requestId()).contains("req_fake_1");
        assertThat(response.scripted()).isFalse();

        RecordedRequest sent = api.requests().getFirst();
        assertThat(sent.credential()).contains(KEY);
        assertThat(sent.header("anthropic-version")).isPresent();
        assertThat(sent.streaming()).isTrue();
        JsonNode body = sent.json();
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1000);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("system").get(0).path("text").asText()).isEqualTo("You are engineer-backend.");
        assertThat(body.path("tools").get(0).path("cache_control")).isEqualTo(json("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
        assertThat(body.path("tools").get(0).path("input_schema").path("required").get(0).asText()).isEqualTo("path");
        JsonNode toolResult = body.path("messages").get(2).path("content").get(0);
        assertThat(toolResult.path("type").asText()).isEqualTo("tool_result");
        assertThat(toolResult.path("is_error").asBoolean()).isTrue();
        assertThat(toolResult.path("cache_control").path("ttl").asText()).isEqualTo("5m");
        assertThat(body.path("messages").get(1).path("content").get(0).path("input").path("path").asText()).isEqualTo("../x");

        assertThat(budget.reserved()).singleElement().satisfies(r -> {
            assertThat(r.maxInputTokens()).isGreaterThan(sent.body().length());
            assertThat(r.maxOutputTokens()).isEqualTo(1000);
            assertThat(r.reservation().modelId()).isEqualTo("claude-sonnet-4-5");
        });
        assertThat(budget.settled()).singleElement().satisfies(s -> {
            assertThat(s.result().outcome()).isEqualTo(CallOutcome.OK);
            assertThat(s.result().answeredModelId()).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(s.result().usage()).isEqualTo(response.usage());
            assertThat(s.result().requestId()).contains("req_fake_1");
        });
        assertThat(budget.open()).isEmpty();
    }
}
