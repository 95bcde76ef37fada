package dev.kleiber.llm;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the tool input JSON as it streams in, block by block, to catch a tool call that {@code max_tokens} cut
 * off mid-input: the SDK's accumulator then leaves the input empty ({@code {}}), which must never be run as if
 * the model had meant it.
 */
final class ToolInputs {
    private final Map<Long, StringBuilder> inputs = new HashMap<>();

    void observe(RawMessageStreamEvent event) {
        event.contentBlockDelta().ifPresent(delta -> delta.delta().inputJson().ifPresent(json ->
                inputs.computeIfAbsent(delta.index(), i -> new StringBuilder()).append(json.partialJson())));
    }

    /** {@code message} without its tool calls whose streamed input is not a whole JSON object, and without what follows them. */
    Message withoutCutToolCalls(Message message) {
        List<ContentBlock> kept = new ArrayList<>();
        List<ContentBlock> content = message.content();
        for (int index = 0; index < content.size(); index++) {
            ContentBlock block = content.get(index);
            if (block.isToolUse() && !isWholeObject(inputs.get((long) index))) {
                break;
            }
            kept.add(block);
        }
        return kept.size() == content.size() ? message : message.toBuilder().content(kept).build();
    }

    private static boolean isWholeObject(StringBuilder json) {
        if (json == null || json.isEmpty()) {
            return true; // a tool without input parameters streams no input
        }
        try {
            JsonNode node = ObjectMappers.jsonMapper().readTree(json.toString());
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
        }
    }
}
