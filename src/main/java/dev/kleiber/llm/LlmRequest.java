package dev.kleiber.llm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One request to the Messages API. The API reads the prompt in the order tools, system, messages; a
 * {@link CacheControl} breakpoint on a block caches everything up to it, so put a breakpoint on the last
 * tool or last system block (the part that never changes) and one on the last block of the conversation.
 *
 * @param model       the model id to ask for, e.g. {@code claude-sonnet-4-5}
 * @param system      system prompt blocks, in order; empty for none
 * @param tools       tools the model may call; empty for none
 * @param messages    the conversation, starting with a user message
 * @param maxTokens   the most output tokens the answer may have
 * @param temperature sampling temperature in [0, 1], or empty for the API default
 */
public record LlmRequest(String model, List<ContentBlock.Text> system, List<ToolDefinition> tools, List<Message> messages,
                         int maxTokens, Optional<Double> temperature) {

    /** The Messages API refuses a request with more cache breakpoints than this. */
    public static final int MAX_CACHE_BREAKPOINTS = 4;

    public LlmRequest {
        Objects.requireNonNull(model, "model");
        system = List.copyOf(system);
        tools = List.copyOf(tools);
        messages = List.copyOf(messages);
        Objects.requireNonNull(temperature, "temperature");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model is required");
        }
        if (messages.isEmpty() || messages.getFirst().role() != Role.USER) {
            throw new IllegalArgumentException("the conversation must start with a user message");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
        temperature.ifPresent(t -> {
            if (t < 0 || t > 1) {
                throw new IllegalArgumentException("temperature must be in [0, 1], was " + t);
            }
        });
        long breakpoints = cacheBreakpoints(system, tools, messages).count();
        if (breakpoints > MAX_CACHE_BREAKPOINTS) {
            throw new IllegalArgumentException("at most %d cache breakpoints are allowed, found %d"
                    .formatted(MAX_CACHE_BREAKPOINTS, breakpoints));
        }
    }

    public static LlmRequest of(String model, List<ContentBlock.Text> system, List<ToolDefinition> tools,
                                List<Message> messages, int maxTokens) {
        return new LlmRequest(model, system, tools, messages, maxTokens, Optional.empty());
    }

    /** The breakpoints in prompt order: tools, then system, then messages. */
    public List<CacheControl> cacheBreakpoints() {
        return cacheBreakpoints(system, tools, messages).toList();
    }

    private static Stream<CacheControl> cacheBreakpoints(List<ContentBlock.Text> system, List<ToolDefinition> tools,
                                                         List<Message> messages) {
        return Stream.of(
                        tools.stream().map(ToolDefinition::cacheControl),
                        system.stream().map(ContentBlock::cacheControl),
                        messages.stream().flatMap(m -> m.content().stream()).map(ContentBlock::cacheControl))
                .flatMap(s -> s)
                .flatMap(Optional::stream);
    }
}
