package dev.kleiber.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeTime;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.AfterEach;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;


/** A fake Messages API, a recording budget and fake time for tests of the Anthropic adapter. */
abstract class FakeApiTestSupport {

    static final String KEY = "sk-ant-test-KLEIBER-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static final CallContext CONTEXT = new CallContext("run-1", "feat-001", 1, "engineer-backend", Tier.SONNET);

    final FakeMessagesApi api = FakeMessagesApi.start(KEY);
    final RecordingBudget budget = new RecordingBudget();
    final FakeTime time = new FakeTime(Instant.parse("2026-01-09T14:30:00Z"));

    final List<AnthropicClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(AnthropicClient::close);
        api.close();
    }

    AnthropicClient client(RetryPolicy policy) {
        return track(new AnthropicClient(settings(), budget, policy, time, time, () -> 0.5));
    }

    AnthropicSettings settings() {
        return AnthropicSettings.fromEnv(Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString()));
    }

    AnthropicClient track(AnthropicClient client) {
        clients.add(client);
        return client;
    }

    AnthropicClient client() {
        return client(RetryPolicy.standard());
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static LlmRequest request() {
        ToolDefinition readFile = ToolDefinition.of("read_file", "Read a file of the worktree",
                json("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"))
                .withCacheControl(CacheControl.ONE_HOUR);
        List<Message> conversation = List.of(
                Message.user("Add a KYC status column."),
                Message.assistant(List.of(ContentBlock.ToolUse.of("toolu_1", "read_file", json("{\"path\":\"../x\"}")))),
                Message.user(List.of(ContentBlock.ToolResult.error("toolu_1", "refused: ../x is outside the worktree")
                        .withCacheControl(CacheControl.FIVE_MINUTES))));
        return new LlmRequest("claude-sonnet-4-5", List.of(ContentBlock.Text.of("You are engineer-backend.")),
                List.of(readFile), conversation, 1000, Optional.of(0.2));
    }
}
