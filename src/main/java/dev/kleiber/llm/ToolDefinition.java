package dev.kleiber.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;
import java.util.Optional;

/**
 * A tool the model may call: its name, what it does, and a JSON Schema (an object schema) for its input.
 * A breakpoint on the last tool caches the whole tool list.
 */
public record ToolDefinition(String name, String description, JsonNode inputSchema, Optional<CacheControl> cacheControl) {

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(cacheControl, "cacheControl");
        if (!inputSchema.isObject() || !"object".equals(inputSchema.path("type").asText())) {
            throw new IllegalArgumentException("tool " + name + ": input schema must be a JSON object schema with \"type\": \"object\"");
        }
    }

    public static ToolDefinition of(String name, String description, JsonNode inputSchema) {
        return new ToolDefinition(name, description, inputSchema, Optional.empty());
    }

    public ToolDefinition withCacheControl(CacheControl cache) {
        return new ToolDefinition(name, description, inputSchema, Optional.of(cache));
    }
}
