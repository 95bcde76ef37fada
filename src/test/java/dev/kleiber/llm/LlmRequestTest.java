package dev.kleiber.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmRequestTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void refusesMoreCacheBreakpointsThanTheApiAllows() {
        List<Message> five = List.of(Message.user(List.of(
                ContentBlock.Text.of("a").withCacheControl(CacheControl.FIVE_MINUTES),
                ContentBlock.Text.of("b").withCacheControl(CacheControl.FIVE_MINUTES),
                ContentBlock.Text.of("c").withCacheControl(CacheControl.FIVE_MINUTES),
                ContentBlock.Text.of("d").withCacheControl(CacheControl.FIVE_MINUTES),
                ContentBlock.Text.of("e").withCacheControl(CacheControl.FIVE_MINUTES))));

        assertThatThrownBy(() -> LlmRequest.of("claude-sonnet-4-5", List.of(), List.of(), five, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at most 4 cache breakpoints are allowed, found 5");
    }

    @Test
    void refusesAConversationNotStartingWithTheUser() {
        assertThatThrownBy(() -> LlmRequest.of("m", List.of(), List.of(),
                List.of(Message.assistant(List.of(ContentBlock.Text.of("hi")))), 10))
                .hasMessage("the conversation must start with a user message");
        assertThatThrownBy(() -> new LlmRequest("m", List.of(), List.of(), List.of(Message.user("x")), 10, Optional.of(1.5)))
                .hasMessageContaining("temperature");
    }

    @Test
    void breakpointHelpersMarkOnlyTheLastToolSystemBlockAndConversationBlock() throws Exception {
        var schema = JSON.readTree("{\"type\":\"object\"}");
        List<ToolDefinition> tools = CacheBreakpoints.onLastTool(List.of(
                ToolDefinition.of("a", "a", schema).withCacheControl(CacheControl.FIVE_MINUTES),
                ToolDefinition.of("b", "b", schema)), CacheControl.ONE_HOUR);
        List<Message> conversation = CacheBreakpoints.onConversationTail(List.of(
                Message.user(List.of(ContentBlock.Text.of("q").withCacheControl(CacheControl.FIVE_MINUTES))),
                Message.assistant(List.of(ContentBlock.ToolUse.of("t1", "a", JSON.readTree("{}")))),
                Message.user(List.of(ContentBlock.ToolResult.ok("t1", "r1"), ContentBlock.ToolResult.ok("t2", "r2")))),
                CacheControl.FIVE_MINUTES);
        List<ContentBlock.Text> system = CacheBreakpoints.onLastSystemBlock(
                List.of(ContentBlock.Text.of("s1"), ContentBlock.Text.of("s2")), CacheControl.ONE_HOUR);

        LlmRequest request = LlmRequest.of("m", system, tools, conversation, 10);

        assertThat(request.cacheBreakpoints()).containsExactly(CacheControl.ONE_HOUR, CacheControl.ONE_HOUR, CacheControl.FIVE_MINUTES);
        assertThat(tools.get(1).cacheControl()).contains(CacheControl.ONE_HOUR);
        assertThat(conversation.get(2).content().get(1).cacheControl()).contains(CacheControl.FIVE_MINUTES);
    }

    @Test
    void settingsComeFromTheGivenEnvironmentWithClearErrors() {
        assertThatThrownBy(() -> AnthropicSettings.fromEnv(Map.of()))
                .isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("ANTHROPIC_API_KEY is not set.")
                .satisfies(e -> assertThat(((KleiberException) e).exitCode()).isEqualTo(KleiberException.BAD_INPUT));
        assertThatThrownBy(() -> AnthropicSettings.fromEnv(Map.of("ANTHROPIC_API_KEY", "k", "ANTHROPIC_BASE_URL", "ftp://x")))
                .hasMessage("ANTHROPIC_BASE_URL must be an http or https URL such as https://api.anthropic.com; found 'ftp://x'");
        assertThat(AnthropicSettings.fromEnv(Map.of("ANTHROPIC_API_KEY", "k")).baseUrl())
                .isEqualTo(URI.create("https://api.anthropic.com"));
        assertThat(AnthropicSettings.fromEnv(Map.of("ANTHROPIC_API_KEY", "k", "ANTHROPIC_BASE_URL", "http://127.0.0.1:9")).baseUrl())
                .isEqualTo(URI.create("http://127.0.0.1:9"));
    }
}
