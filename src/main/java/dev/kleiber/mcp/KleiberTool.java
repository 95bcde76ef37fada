package dev.kleiber.mcp;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One MCP tool: its name, a title and description for the model, the JSON schema of its arguments, whether it only
 * reads, and what a call does.
 */
record KleiberTool(String name, String title, String description, Map<String, Object> inputSchema, boolean readOnly,
                   Function<ToolArguments, ToolAnswer> call) {
    KleiberTool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        inputSchema = Map.copyOf(inputSchema);
        Objects.requireNonNull(call, "call");
    }
}
