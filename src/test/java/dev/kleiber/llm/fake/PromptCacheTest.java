package dev.kleiber.llm.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake's prompt cache behaves like the API's: prefixes in tools, system, messages order, cut at breakpoints. */
class PromptCacheTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final FakeTime time = new FakeTime(Instant.parse("2026-01-09T14:30:00Z"));
    final PromptCache cache = new PromptCache(time, 1024);

    /** A request builder: tools and system with a 1h breakpoint each, a conversation of {@code turns} exchanges. */
    static ObjectNode request(String system, int turns, boolean tailBreakpoint) {
        ObjectNode request = JSON.createObjectNode().put("model", "claude-sonnet-4-5").put("max_tokens", 1000);
        ObjectNode tool = request.putArray("tools").addObject().put("name", "read_file").put("description", "x".repeat(6000));
        tool.putObject("input_schema").put("type", "object");
        tool.putObject("cache_control").put("type", "ephemeral").put("ttl", "1h");
        request.putArray("system").addObject().put("type", "text").put("text", system)
                .putObject("cache_control").put("type", "ephemeral").put("ttl", "1h");
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", "task ".repeat(200));
        for (int turn = 1; turn <= turns; turn++) {
            messages.addObject().put("role", "assistant").putArray("content").addObject()
                    .put("type", "tool_use").put("id", "toolu_" + turn).put("name", "read_file").putObject("input").put("path", "f" + turn);
            messages.addObject().put("role", "user").putArray("content").addObject()
                    .put("type", "tool_result").put("tool_use_id", "toolu_" + turn).put("content", ("line " + turn + "\n").repeat(300));
        }
        if (tailBreakpoint) {
            JsonNode last = messages.get(messages.size() - 1).path("content");
            ((ObjectNode) last.get(last.size() - 1)).putObject("cache_control").put("type", "ephemeral");
        }
        return request;
    }

    static long total(FakeUsage usage) {
        return usage.totalInput();
    }

    @Test
    void theFirstRequestWritesUpToItsLastBreakpointAndTheNextReadsIt() {
        FakeUsage first = cache.account(request("You are engineer-backend. ".repeat(200), 1, true));

        assertThat(first.cacheRead()).isZero();
        assertThat(first.cacheWrite1h()).isPositive();
        assertThat(first.cacheWrite5m()).isPositive();
        assertThat(first.input()).isZero(); // the last block carries the breakpoint
        FakeUsage second = cache.account(request("You are engineer-backend. ".repeat(200), 2, true));

        assertThat(second.cacheRead()).isEqualTo(first.cacheWrite());
        assertThat(second.cacheWrite1h()).isZero();
        assertThat(second.cacheWrite5m()).isEqualTo(total(second) - first.totalInput());
        assertThat(second.input()).isZero();
    }

    @Test
    void aChangedSystemPromptKeepsOnlyTheToolsCached() {
        FakeUsage first = cache.account(request("You are engineer-backend. ".repeat(200), 1, true));
        FakeUsage changed = cache.account(request("You are engineer-frontend. ".repeat(200), 1, true));

        assertThat(changed.cacheRead()).isPositive().isLessThan(first.cacheWrite1h());
        assertThat(total(changed) - changed.cacheRead()).isEqualTo(changed.cacheWrite());
    }

    @Test
    void withoutABreakpointOnTheTailTheConversationIsUncachedInput() {
        cache.account(request("system ".repeat(300), 1, false));
        FakeUsage next = cache.account(request("system ".repeat(300), 2, false));

        assertThat(next.cacheRead()).isPositive();
        assertThat(next.cacheWrite()).isZero();
        assertThat(next.input()).isEqualTo(total(next) - next.cacheRead());
        assertThat(next.input()).isPositive();
    }

    @Test
    void promptsShorterThanTheMinimumAreNotCached() {
        ObjectNode small = JSON.createObjectNode().put("model", "m").put("max_tokens", 10);
        small.putArray("messages").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "text").put("text", "short").putObject("cache_control").put("type", "ephemeral");

        FakeUsage once = cache.account(small);
        FakeUsage twice = cache.account(small);

        assertThat(once.cacheWrite()).isZero();
        assertThat(twice.cacheRead()).isZero();
        assertThat(twice.input()).isEqualTo(total(twice)).isPositive();
    }

    @Test
    void fiveMinuteEntriesExpireAndOneHourEntriesStay() {
        FakeUsage first = cache.account(request("system ".repeat(300), 1, true));
        time.sleep(Duration.ofMinutes(6));

        FakeUsage later = cache.account(request("system ".repeat(300), 1, true));

        assertThat(later.cacheRead()).isEqualTo(first.cacheWrite1h());
        assertThat(later.cacheWrite5m()).isEqualTo(first.cacheWrite5m());
    }

    @Test
    void aHitIsFoundOnlyWithinTwentyBlocksOfABreakpoint() {
        cache.account(request("system ".repeat(300), 1, true));
        // eleven more exchanges add 22 blocks between the cached tail and the new breakpoint
        FakeUsage far = cache.account(request("system ".repeat(300), 12, true));
        FakeUsage near = new PromptCache(time, 1024).account(request("system ".repeat(300), 1, true));

        assertThat(far.cacheRead()).isEqualTo(near.cacheWrite1h()); // only tools and system were found
    }

    @Test
    void theModelIsPartOfTheCacheKey() {
        cache.account(request("system ".repeat(300), 1, true));
        ObjectNode other = request("system ".repeat(300), 1, true).put("model", "claude-opus-4-1");

        assertThat(cache.account(other).cacheRead()).isZero();
    }
}
