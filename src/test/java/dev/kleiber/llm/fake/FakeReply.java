package dev.kleiber.llm.fake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the fake Messages API answers to one request. */
public sealed interface FakeReply {

    /** One block of a fake answer. */
    sealed interface Block {
        record Text(String text) implements Block {
        }

        /**
         * Thinking, as today's models start every answer with; the fake signs it over the request before it, as
         * the API binds a block to its conversation, and refuses it back when that prefix changed.
         */
        record Thinking(String thinking) implements Block {
        }

        /** @param inputJson the tool input as JSON text, streamed in pieces as {@code input_json_delta} */
        record ToolUse(String id, String name, String inputJson) implements Block {
        }
    }

    static Block text(String text) {
        return new Block.Text(text);
    }

    static Block thinking(String thinking) {
        return new Block.Thinking(thinking);
    }

    static Block toolUse(String id, String name, String inputJson) {
        return new Block.ToolUse(id, name, inputJson);
    }

    /** A whole answer; stop reason {@code tool_use} when it calls a tool, else {@code end_turn}. */
    static Answer answer(Block... blocks) {
        return new Answer(List.of(blocks), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Error error(int status, String type, String message) {
        return new Error(status, type, message, Map.of());
    }

    /**
     * @param content     the blocks, in order
     * @param model       the model id to answer with; the requested one when empty
     * @param usage       fixed usage to report instead of what the fake's prompt cache computes
     * @param stopReason  overrides the stop reason derived from the blocks
     */
    record Answer(List<Block> content, Optional<String> model, Optional<FakeUsage> usage, Optional<String> stopReason)
            implements FakeReply {
        public Answer withModel(String answeredModel) {
            return new Answer(content, Optional.of(answeredModel), usage, stopReason);
        }

        public Answer withUsage(FakeUsage fixed) {
            return new Answer(content, model, Optional.of(fixed), stopReason);
        }

        public Answer withStopReason(String reason) {
            return new Answer(content, model, usage, Optional.of(reason));
        }

        String stopReasonOrDefault() {
            return stopReason.orElse(content.stream().anyMatch(Block.ToolUse.class::isInstance) ? "tool_use" : "end_turn");
        }
    }

    /** An HTTP error with the API's error body {@code {"type":"error","error":{"type":...,"message":...}}}. */
    record Error(int status, String type, String message, Map<String, String> headers) implements FakeReply {
        public Error withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Error(status, type, message, Map.copyOf(more));
        }
    }

    /** A stream that starts {@code answer}, sends {@code eventsBefore} of its events, then an {@code error} event. */
    record StreamError(Answer answer, int eventsBefore, String type, String message) implements FakeReply {
    }

    /** A stream that sends the first {@code eventsBefore} events of {@code answer} and then drops the connection. */
    record Cut(Answer answer, int eventsBefore) implements FakeReply {
    }

    /** Exactly this status, content type and body, e.g. a broken proxy's HTML page or truncated JSON. */
    record Raw(int status, String contentType, String body) implements FakeReply {
    }
}
