package dev.kleiber.agent;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/** Reads one tool call's JSON input, naming the field and what was expected when the model got it wrong. */
final class ToolInput {
    /** Input the model sent that the tool cannot use; the message names the field. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private final String tool;
    private final JsonNode input;

    private ToolInput(String tool, JsonNode input) {
        this.tool = tool;
        this.input = input;
    }

    /** Wraps {@code input}, refusing anything but an object holding only {@code allowedFields}. */
    static ToolInput of(String tool, JsonNode input, Set<String> allowedFields) throws Invalid {
        if (input == null || !input.isObject()) {
            throw new Invalid(tool + ": the input must be a JSON object with the fields " + allowedFields);
        }
        for (Iterator<String> names = input.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw new Invalid(tool + ": unknown field '" + name + "'; the fields are " + allowedFields);
            }
        }
        return new ToolInput(tool, input);
    }

    String requiredString(String field) throws Invalid {
        return optionalString(field).orElseThrow(
                () -> new Invalid(tool + ": the field '" + field + "' is required (a string)"));
    }

    Optional<String> optionalString(String field) throws Invalid {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new Invalid(tool + ": the field '" + field + "' must be a string; found " + kind(value));
        }
        return Optional.of(value.textValue());
    }

    Optional<Integer> optionalPositiveInt(String field) throws Invalid {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new Invalid(tool + ": the field '" + field + "' must be an integer; found " + kind(value));
        }
        if (value.intValue() < 1) {
            throw new Invalid(tool + ": the field '" + field + "' must be at least 1; found " + value.intValue());
        }
        return Optional.of(value.intValue());
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "the number " + value.asText();
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
