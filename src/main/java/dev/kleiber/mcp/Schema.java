package dev.kleiber.mcp;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few JSON Schema shapes the tools' arguments use, as maps the SDK serialises. */
final class Schema {
    private Schema() {
    }

    /** An object with exactly {@code properties} (no others) of which {@code required} must be present. */
    static Map<String, Object> object(List<String> required, Property... properties) {
        Map<String, Object> props = new LinkedHashMap<>();
        Arrays.stream(properties).forEach(p -> props.put(p.name(), p.schema()));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        schema.put("required", List.copyOf(required));
        schema.put("additionalProperties", false);
        return schema;
    }

    static Property text(String name, String description) {
        return new Property(name, Map.of("type", "string", "minLength", 1, "description", description));
    }

    static Property texts(String name, String description) {
        return new Property(name, Map.of("type", "array", "items", Map.of("type", "string", "minLength", 1),
                "description", description));
    }

    static Property integer(String name, long minimum, long maximum, String description) {
        return new Property(name, Map.of("type", "integer", "minimum", minimum, "maximum", maximum,
                "description", description));
    }

    static Property flag(String name, String description) {
        return new Property(name, Map.of("type", "boolean", "description", description));
    }

    static Property pattern(String name, String regex, String description) {
        return new Property(name, Map.of("type", "string", "pattern", regex, "description", description));
    }

    record Property(String name, Map<String, Object> schema) {
    }
}
