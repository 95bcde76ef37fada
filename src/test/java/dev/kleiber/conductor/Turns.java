package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.routing.Tier;

import java.util.ArrayList;
import java.util.List;

/** Builds a ScriptedClient script (JSON Lines): under each key, the responses of its turns in order. */
final class Turns {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> lines = new ArrayList<>();

    Turns turn(String key, String text, ObjectNode... tools) {
        return turn(key, Tier.SONNET, text, tools);
    }

    /** A turn answered by the default model of {@code tier}, which is what the ledger prices it at. */
    Turns turn(String key, Tier tier, String text, ObjectNode... tools) {
        ArrayNode content = JSON.createArrayNode();
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        int n = 0;
        for (ObjectNode tool : tools) {
            ObjectNode block = tool.deepCopy();
            block.put("id", "toolu_" + lines.size() + "_" + n++);
            content.add(block);
        }
        lines.add(line(key, "msg_" + lines.size(), switch (tier) {
            case OPUS -> "claude-opus-4-1";
            case HAIKU -> "claude-3-haiku-20240307";
            case SONNET -> "claude-sonnet-4-5";
        }, content, 1200, 300));
        return this;
    }

    /**
     * One script line on its own: a Sonnet turn whose only block is {@code tool} (given an id from its input), 1,000
     * tokens in and 100 out — for tests that keep their script as a list of lines.
     */
    static String line(String key, ObjectNode tool) {
        ObjectNode block = tool.deepCopy();
        block.put("id", "toolu_" + tool.path("name").asText() + "_" + Integer.toHexString(tool.path("input").hashCode()));
        return line(key, "msg_" + Integer.toHexString(block.hashCode()), "claude-sonnet-4-5",
                JSON.createArrayNode().add(block), 1000, 100);
    }

    private static String line(String key, String id, String model, ArrayNode content, long input, long output) {
        ObjectNode response = JSON.createObjectNode();
        response.put("id", id);
        response.put("type", "message");
        response.put("role", "assistant");
        response.put("model", model);
        response.set("content", content);
        response.put("stop_reason", "tool_use");
        response.putNull("stop_sequence");
        ObjectNode usage = response.putObject("usage");
        usage.put("input_tokens", input);
        usage.put("output_tokens", output);
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", 0);
        ObjectNode line = JSON.createObjectNode();
        line.put("key", key);
        line.set("response", response);
        return line.toString();
    }

    String text() {
        return String.join("\n", lines) + "\n";
    }

    static ObjectNode write(String path, String content) {
        return tool("write_file", JSON.createObjectNode().put("path", path).put("content", content));
    }

    static ObjectNode complete(String summary, String... decisions) {
        ObjectNode input = JSON.createObjectNode().put("summary", summary);
        ArrayNode list = input.putArray("decisions");
        for (String decision : decisions) {
            list.add(decision);
        }
        return tool("complete_task", input);
    }

    static ObjectNode blocked(String type, String problem, String need) {
        ObjectNode input = JSON.createObjectNode().put("type", type).put("problem", problem).put("need", need);
        input.putArray("attempted").add("Searched the repository");
        return tool("report_blocked", input);
    }

    static ObjectNode escalation(String reason) {
        return tool("request_escalation", JSON.createObjectNode().put("reason", reason));
    }

    static ObjectNode answer(ObjectNode input) {
        return tool("answer_blocked", input);
    }

    static ObjectNode tool(String name, ObjectNode input) {
        ObjectNode block = JSON.createObjectNode();
        block.put("type", "tool_use");
        block.put("name", name);
        block.set("input", input);
        return block;
    }
}
