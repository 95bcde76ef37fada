package dev.kleiber.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.fake.FakeReply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 20-turn tool loop of realistic size against the fake API, with breakpoints placed by {@link CacheBreakpoints}:
 * most input tokens come from the cache. The pattern the agent loop follows.
 */
class CachedConversationTest extends FakeApiTestSupport {

    static final int TURNS = 20;

    static List<ToolDefinition> tools() {
        List<ToolDefinition> tools = new ArrayList<>();
        for (String name : List.of("read_file", "list_files", "search", "write_file", "edit_file", "run_command",
                "complete_task", "report_blocked", "request_escalation")) {
            tools.add(ToolDefinition.of(name, ("Tool " + name + ": what it does, what it refuses and why. ").repeat(12),
                    json("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":\"a path inside the worktree\"}},\"required\":[\"path\"]}")));
        }
        return tools;
    }

    @Test
    void aTwentyTurnLoopReadsMostOfItsInputFromCache() {
        List<ContentBlock.Text> system = CacheBreakpoints.onLastSystemBlock(List.of(
                ContentBlock.Text.of("You are engineer-backend. Blueprint rules that bind you: ".repeat(100)),
                ContentBlock.Text.of("# Task: feat-001\n## Description\nAdd a KYC status column and filter to the dashboard.\n".repeat(40))),
                CacheControl.ONE_HOUR);
        List<ToolDefinition> tools = CacheBreakpoints.onLastTool(tools(), CacheControl.ONE_HOUR);
        api.respondWith(request -> {
            int turn = request.json().path("messages").size() / 2 + 1;
            return turn < TURNS
                    ? FakeReply.answer(FakeReply.text("Next I look at file " + turn + "."),
                    FakeReply.toolUse("toolu_" + turn, "read_file", "{\"path\":\"src/backend/file" + turn + ".ts\"}"))
                    : FakeReply.answer(FakeReply.text("All done."));
        });
        AnthropicClient client = client();
        List<Message> conversation = new ArrayList<>(List.of(Message.user("Begin the task.")));
        TokenUsage total = TokenUsage.NONE;
        int turns = 0;

        while (true) {
            LlmRequest request = new LlmRequest("claude-sonnet-4-5", system, tools,
                    CacheBreakpoints.onConversationTail(conversation, CacheControl.FIVE_MINUTES), 4000, Optional.empty());
            LlmResponse response = client.send(CONTEXT, request);
            turns++;
            total = total.plus(response.usage());
            if (response.toolUses().isEmpty()) {
                break;
            }
            conversation.add(response.asAssistantMessage());
            List<ContentBlock> results = new ArrayList<>();
            for (ContentBlock.ToolUse use : response.toolUses()) {
                JsonNode input = use.input();
                results.add(ContentBlock.ToolResult.ok(use.id(),
                        ("// " + input.path("path").asText() + ": a realistic file of some size\n").repeat(40)));
            }
            conversation.add(Message.user(results));
        }

        double readShare = (double) total.cacheRead() / total.totalInput();
        assertThat(turns).isEqualTo(TURNS);
        assertThat(api.requests()).allSatisfy(r -> assertThat(r.json().toString().split("cache_control", -1)).hasSize(4));
        assertThat(readShare).as("share of input tokens read from cache, usage %s", total).isGreaterThanOrEqualTo(0.70);
        assertThat(api.cacheTotals().cacheRead()).isEqualTo(total.cacheRead());
    }
}
