package dev.kleiber.llm;

import dev.kleiber.ledger.TokenUsage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A whole answer of the model. Only a response whose stream ended with {@code message_stop} becomes an
 * {@code LlmResponse}: a broken one is billed and reported as a failure, so its tool calls are never run.
 * A tool call that {@code max_tokens} cut off mid-input is left out (with whatever followed it), and
 * {@link #stopReason()} is {@link StopReason#MAX_TOKENS}: the caller asks for a shorter answer instead.
 *
 * @param messageId     the API's message id ({@code msg_...})
 * @param answeredModel the model id the API answered with; a scripted answer's id ends in {@link ScriptedClient#MARKER}
 * @param content       text and tool-use blocks, in order
 * @param usage         tokens as billed, cache writes and reads included
 * @param requestId     the API's {@code request-id} header, for support tickets
 * @param scripted      true when the answer was replayed from a script, not produced by a model
 */
public record LlmResponse(String messageId, String answeredModel, List<ContentBlock> content, StopReason stopReason,
                          TokenUsage usage, Optional<String> requestId, boolean scripted) {

    public LlmResponse {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(answeredModel, "answeredModel");
        content = List.copyOf(content);
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(requestId, "requestId");
    }

    /** The tool calls of this answer, in order. */
    public List<ContentBlock.ToolUse> toolUses() {
        return content.stream()
                .filter(ContentBlock.ToolUse.class::isInstance)
                .map(ContentBlock.ToolUse.class::cast)
                .toList();
    }

    /** All text of this answer, blocks joined by newlines. */
    public String text() {
        return content.stream()
                .filter(ContentBlock.Text.class::isInstance)
                .map(b -> ((ContentBlock.Text) b).text())
                .collect(Collectors.joining("\n"));
    }

    /** This answer as the assistant turn to append to the conversation. */
    public Message asAssistantMessage() {
        return Message.assistant(content);
    }
}
