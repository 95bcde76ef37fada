package dev.kleiber.llm.fake;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake answers like the API: the SDK parses its JSON, and it refuses what the API refuses. */
class FakeMessagesApiTest {

    static final String KEY = "sk-ant-fake-key";
    static final ObjectMapper JSON = new ObjectMapper();
    final FakeMessagesApi api = FakeMessagesApi.start(KEY);

    @AfterEach
    void stop() {
        api.close();
    }

    HttpResponse<String> post(String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    static String block(String ttl) {
        return "{\"type\":\"text\",\"text\":\"x\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"" + ttl + "\"}}";
    }

    @Test
    void theSdkParsesANonStreamingAnswer() {
        api.enqueue(FakeReply.answer(FakeReply.text("Hello"), FakeReply.toolUse("toolu_1", "search", "{\"pattern\":\"TODO\"}"))
                .withUsage(new FakeUsage(10, 20, 30, 40, 50)));
        AnthropicClient sdk = AnthropicOkHttpClient.builder().apiKey(KEY).baseUrl(api.baseUrl().toString()).maxRetries(0).build();
        try {
            Message message = sdk.messages().create(MessageCreateParams.builder()
                    .model("claude-haiku-4-5").maxTokens(100).addUserMessage("hi").build());

            assertThat(message.content().get(0).asText().text()).isEqualTo("Hello");
            assertThat(message.content().get(1).asToolUse()._input().convert(JsonNode.class).path("pattern").asText()).isEqualTo("TODO");
            assertThat(message.usage().cacheCreation().orElseThrow().ephemeral1hInputTokens()).isEqualTo(40);
            assertThat(message.usage().cacheReadInputTokens()).contains(50L);
            assertThat(message.model().asString()).isEqualTo("claude-haiku-4-5");
        } finally {
            sdk.close();
        }
        assertThat(api.requests()).singleElement().satisfies(r -> assertThat(r.streaming()).isFalse());
    }

    @Test
    void refusesAWrongKeyAMissingVersionAndBadBreakpointsLikeTheApi() throws Exception {
        String ok = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        assertThat(post(ok, "x-api-key", "wrong", "anthropic-version", "2023-06-01").statusCode()).isEqualTo(401);
        HttpResponse<String> noVersion = post(ok, "x-api-key", KEY);
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noVersion.body()).path("error").path("message").asText()).contains("anthropic-version");
        assertThat(post("{\"model\":\"m\"}", "x-api-key", KEY, "anthropic-version", "2023-06-01").body())
                .contains("max_tokens: Field required");

        String five = "{\"model\":\"m\",\"max_tokens\":5,\"system\":[" + String.join(",", block("1h"), block("1h"), block("5m"))
                + "],\"messages\":[{\"role\":\"user\",\"content\":[" + block("5m") + "," + block("5m") + "]}]}";
        HttpResponse<String> tooMany = post(five, "x-api-key", KEY, "anthropic-version", "2023-06-01");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("A maximum of 4 blocks with cache_control may be provided. Found 5.");

        String order = "{\"model\":\"m\",\"max_tokens\":5,\"system\":[" + block("5m")
                + "],\"messages\":[{\"role\":\"user\",\"content\":[" + block("1h") + "]}]}";
        assertThat(post(order, "x-api-key", KEY, "anthropic-version", "2023-06-01").body()).contains("ttl='1h'");

        assertThat(post(ok, "authorization", "Bearer " + KEY, "anthropic-version", "2023-06-01").statusCode()).isEqualTo(200);
        assertThat(api.requests()).hasSize(6);
        assertThat(api.requests().getLast().header("authorization")).contains("Bearer " + KEY);
    }

    @Test
    void streamsTheEventsOfTheWireFormat() throws Exception {
        api.enqueue(FakeReply.answer(FakeReply.text("Hi"), FakeReply.toolUse("toolu_1", "list_files", "{\"path\":\"src\"}")));
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> response = post(body, "x-api-key", KEY, "anthropic-version", "2023-06-01");

        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("request-id")).contains("req_fake_1");
        assertThat(response.body().lines().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList())
                .containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
                        "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                        "content_block_stop", "message_delta", "message_stop");
        assertThat(response.body()).contains("\"type\":\"input_json_delta\"").contains("\"stop_reason\":\"tool_use\"");
    }

    @Test
    void countsTokensWithoutCachingAndRefusesARetiredModelAsTheApiDoes() throws Exception {
        String text = "x".repeat(4000);
        String count = "{\"model\":\"claude-sonnet-5-5\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/messages/count_tokens"))
                .POST(HttpRequest.BodyPublishers.ofString(count)).header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> counted = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(counted.statusCode()).isEqualTo(200);
            // 4,000 characters at four to the token, plus the fake's per-message framing
            assertThat(counted.body()).isEqualTo("{\"input_tokens\":1002}");
        }
        assertThat(api.cacheTotals().input()).as("counting is not a call").isZero();

        String retired = "{\"model\":\"claude-3-haiku-20240307\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> refused = post(retired, "x-api-key", KEY, "anthropic-version", "2023-06-01");
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.body()).contains("\"type\":\"not_found_error\"").contains("model: claude-3-haiku-20240307");
    }
}
