package dev.kleiber.agent;

/** What a tool call returns to the model: text, or an error text sent as {@code tool_result} with {@code is_error: true}. */
public sealed interface ToolResult {
    String text();

    record Ok(String text) implements ToolResult {
    }

    record Error(String text) implements ToolResult {
    }

    default boolean isError() {
        return this instanceof Error;
    }
}
