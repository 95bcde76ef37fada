package dev.kleiber.llm;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.CacheCreation;
import com.anthropic.models.messages.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.ledger.TokenUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns the SDK's whole {@link com.anthropic.models.messages.Message} into Kleiber's {@link LlmResponse}. */
final class ResponseMapper {

    private ResponseMapper() {
    }

    /**
     * @throws UnusableAnswerException when the answer holds a block Kleiber never asks for (e.g. server tool results)
     */
    static LlmResponse toResponse(com.anthropic.models.messages.Message message, String answeredModel,
                                  Optional<String> requestId, boolean scripted) {
        List<ContentBlock> content = new ArrayList<>();
        for (com.anthropic.models.messages.ContentBlock block : message.content()) {
            if (block.isText()) {
                content.add(ContentBlock.Text.of(block.asText().text()));
            } else if (block.isToolUse()) {
                var use = block.asToolUse();
                JsonNode input = use._input().convert(JsonNode.class);
                if (input == null || !input.isObject()) {
                    throw new UnusableAnswerException("tool_use block " + use.id() + " has an input that is not a JSON object");
                }
                content.add(ContentBlock.ToolUse.of(use.id(), use.name(), input));
            } else if (block.isThinking()) {
                // Today's models think on every turn; the block must go back to the API exactly as it came.
                var thinking = block.asThinking();
                content.add(new ContentBlock.Thinking(thinking.thinking(), thinking.signature()));
            } else if (block.isRedactedThinking()) {
                content.add(new ContentBlock.RedactedThinking(block.asRedactedThinking().data()));
            } else {
                throw new UnusableAnswerException("the answer holds a content block of a kind Kleiber does not request: "
                        + ObjectMappers.jsonMapper().valueToTree(block).path("type").asText("unknown"));
            }
        }
        StopReason stop = message.stopReason().map(r -> StopReason.fromWire(r.asString())).orElse(StopReason.OTHER);
        return new LlmResponse(message.id(), answeredModel, content, stop, usage(message.usage()), requestId, scripted);
    }

    static TokenUsage usage(Usage usage) {
        long cacheWrite = usage.cacheCreationInputTokens().orElse(0L);
        long write1h = usage.cacheCreation().map(CacheCreation::ephemeral1hInputTokens).orElse(0L);
        long write5m = usage.cacheCreation().map(CacheCreation::ephemeral5mInputTokens).orElse(cacheWrite);
        return new TokenUsage(usage.inputTokens(), usage.outputTokens(), write5m, write1h,
                usage.cacheReadInputTokens().orElse(0L));
    }

    /** The answer is complete but cannot be used as Kleiber asked for it. */
    static final class UnusableAnswerException extends RuntimeException {
        UnusableAnswerException(String message) {
            super(message);
        }
    }
}
