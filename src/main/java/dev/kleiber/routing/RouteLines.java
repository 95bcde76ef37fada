package dev.kleiber.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kleiber.KleiberException;
import dev.kleiber.routing.RoutingRequest.Hints;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code kleiber route}'s JSON: a task to route as one JSON Lines line
 * ({@code {"id", "description", "agent"?, "files"?, "services"?, "minutes"?, "reversible"?}}) and a decision as one
 * object. Bad input names the line and the field and says what was expected.
 */
public final class RouteLines {
    public static final int MAX_DESCRIPTION = 100_000;
    private static final Set<String> INPUT_KEYS = Set.of("id", "description", "agent", "files", "services",
            "minutes", "reversible");

    /**
     * An input line: its id echoed as given (a {@code String}, or a {@code BigInteger} for a whole number) and the
     * request to route.
     */
    public record Line(Object id, RoutingRequest request) {
    }

    private final JsonFactory factory = new JsonFactory();

    public RouteLines() {
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        factory.setRootValueSeparator(null);
        factory.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    }

    /** A generator for answers to {@code out}, one object after another with nothing between. */
    public JsonGenerator writer(Writer out) throws IOException {
        return factory.createGenerator(out);
    }

    /**
     * One input line, read with the streaming parser: a line is small and fixed in shape, and the object mapper would
     * cost more to load than a whole file costs to route. {@code lineName} starts every message, e.g.
     * {@code tasks.jsonl line 3}.
     */
    public Line read(String line, String lineName) {
        String where = lineName + ": ";
        try (JsonParser p = factory.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw KleiberException.badInput(where + "expected a JSON object like "
                        + "{\"id\": \"t1\", \"description\": \"...\"}");
            }
            Object id = null;
            Optional<String> description = Optional.empty();
            Optional<String> role = Optional.empty();
            List<String> files = List.of();
            List<String> services = List.of();
            Optional<Integer> minutes = Optional.empty();
            Optional<Boolean> reversible = Optional.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "id" -> {
                        if (value == JsonToken.VALUE_STRING && !p.getText().isBlank()) {
                            id = p.getText();
                        } else if (value == JsonToken.VALUE_NUMBER_INT) {
                            id = p.getBigIntegerValue();
                        } else {
                            throw KleiberException.badInput(where + "'id' must be a non-empty string or a whole number");
                        }
                    }
                    case "description" -> description = text(p, value, key, where);
                    case "agent" -> role = text(p, value, key, where);
                    case "files" -> files = strings(p, value, key, where);
                    case "services" -> services = strings(p, value, key, where);
                    case "minutes" -> {
                        if (value == JsonToken.VALUE_NULL) {
                            minutes = Optional.empty();
                        } else if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                                && p.getIntValue() >= 0) {
                            minutes = Optional.of(p.getIntValue());
                        } else {
                            throw KleiberException.badInput(where + "'minutes' must be a whole number of 0 or more; found "
                                    + p.getText());
                        }
                    }
                    case "reversible" -> {
                        if (value == JsonToken.VALUE_NULL) {
                            reversible = Optional.empty();
                        } else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                            reversible = Optional.of(value == JsonToken.VALUE_TRUE);
                        } else {
                            throw KleiberException.badInput(where + "'reversible' must be true or false; found "
                                    + p.getText());
                        }
                    }
                    default -> throw KleiberException.badInput(where + "unknown key '" + key + "'; expected "
                            + String.join(", ", new TreeSet<>(INPUT_KEYS)));
                }
            }
            if (p.nextToken() != null) {
                throw KleiberException.badInput(where + "more than one JSON value on the line; expected one object");
            }
            if (id == null) {
                throw KleiberException.badInput(where + "'id' is required");
            }
            String text = description.orElseThrow(() -> KleiberException.badInput(where + "'description' is required"));
            if (text.isBlank()) {
                throw KleiberException.badInput(where + "'description' is empty; say what the task does");
            }
            if (text.length() > MAX_DESCRIPTION) {
                throw KleiberException.badInput(where + "'description' is longer than " + MAX_DESCRIPTION + " characters");
            }
            return new Line(id, new RoutingRequest(text, role, new Hints(files, services, minutes, reversible)));
        } catch (JsonProcessingException e) {
            throw KleiberException.badInput(where + "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw KleiberException.badInput(where + "cannot be read: " + e.getMessage());
        }
    }

    private static Optional<String> text(JsonParser p, JsonToken value, String key, String where) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (value != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw KleiberException.badInput(where + "'" + key + "' must be a string");
        }
        return Optional.of(p.getText());
    }

    private static List<String> strings(JsonParser p, JsonToken value, String key, String where) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw KleiberException.badInput(where + "'" + key + "' must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            if (item != JsonToken.VALUE_STRING) {
                throw KleiberException.badInput(where + "'" + key + "' must be a list of strings");
            }
            out.add(p.getText());
        }
        return out;
    }

    /**
     * Writes one answer object: the line's id when there is one, the model, whether a person must review, the reasons,
     * and with {@code withConsidered} the floor and every rule considered.
     */
    public static void write(JsonGenerator g, Optional<Object> id, Explanation explanation, boolean withConsidered)
            throws IOException {
        RoutingDecision decision = explanation.decision();
        g.writeStartObject();
        if (id.isPresent()) {
            g.writeFieldName("id");
            writeScalar(g, id.get());
        }
        g.writeStringField("model", decision.tier().id());
        g.writeBooleanField("humanReview", decision.humanReview());
        g.writeArrayFieldStart("reasons");
        for (Reason reason : decision.reasons()) {
            g.writeStartObject();
            g.writeStringField("rule", reason.ruleId());
            g.writeStringField("evidence", reason.evidence());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (withConsidered) {
            g.writeStringField("floor", decision.floor().id());
            g.writeArrayFieldStart("considered");
            for (Explanation.Considered c : explanation.considered()) {
                g.writeStartObject();
                g.writeStringField("rule", c.ruleId());
                g.writeStringField("effect", c.effect());
                g.writeStringField("outcome", c.outcome().name().toLowerCase(Locale.ROOT));
                g.writeStringField("evidence", c.evidence());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeScalar(JsonGenerator g, Object id) throws IOException {
        if (id instanceof BigInteger number) {
            g.writeNumber(number);
        } else {
            g.writeString(id.toString());
        }
    }
}
