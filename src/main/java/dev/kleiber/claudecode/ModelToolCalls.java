package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tool calls in one answer of the model, read from the Messages API's wire format as it passes the metering proxy:
 * a streamed answer's {@code content_block_start} (a {@code tool_use} block: id, name), {@code input_json_delta}
 * pieces and {@code content_block_stop}, or a JSON answer's {@code content}. Each whole call is handed to
 * {@code sink}. This is what Kleiber's record of an outside agent's tool calls is built from: it comes from the API's
 * answer in Kleiber's own process, so nothing the agent runs can add to it or take from it.
 */
final class ModelToolCalls {
    /** A tool input larger than this is not a file write a session makes; it is judged on what it holds so far. */
    static final int MAX_INPUT_CHARS = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tool call the model made: Claude Code's tool name and its input. */
    record Call(String id, String name, JsonNode input) {
    }

    private final Consumer<Call> sink;
    private final Map<Integer, Open> open = new HashMap<>();

    ModelToolCalls(Consumer<Call> sink) {
        this.sink = sink;
    }

    private static final class Open {
        final String id;
        final String name;
        final JsonNode startInput;
        final StringBuilder partial = new StringBuilder();

        Open(String id, String name, JsonNode startInput) {
            this.id = id;
            this.name = name;
            this.startInput = startInput;
        }
    }

    /** Takes one event's {@code data} of a streamed answer. */
    void takeEvent(JsonNode data) {
        int index = data.path("index").asInt(-1);
        switch (data.path("type").asText("")) {
            case "content_block_start" -> {
                JsonNode block = data.path("content_block");
                if (block.path("type").asText("").equals("tool_use")) {
                    open.put(index, new Open(block.path("id").asText(""), block.path("name").asText(""),
                            block.path("input")));
                }
            }
            case "content_block_delta" -> {
                Open call = open.get(index);
                JsonNode delta = data.path("delta");
                if (call != null && delta.path("type").asText("").equals("input_json_delta")) {
                    String piece = delta.path("partial_json").asText("");
                    call.partial.append(piece, 0, Math.min(piece.length(), MAX_INPUT_CHARS - call.partial.length()));
                }
            }
            case "content_block_stop" -> {
                Open call = open.remove(index);
                if (call != null) {
                    sink.accept(new Call(call.id, call.name, call.partial.isEmpty() ? call.startInput
                            : parse(call.partial.toString())));
                }
            }
            default -> {
            }
        }
    }

    /** Takes a whole (not streamed) answer. */
    void takeMessage(JsonNode message) {
        for (JsonNode block : message.path("content")) {
            if (block.path("type").asText("").equals("tool_use")) {
                sink.accept(new Call(block.path("id").asText(""), block.path("name").asText(""), block.path("input")));
            }
        }
    }

    /** A tool input that is not JSON is judged as no input: the guard then finds no path in it and Claude Code fails it. */
    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
