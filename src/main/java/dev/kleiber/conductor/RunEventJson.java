package dev.kleiber.conductor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link RunEvent} as JSON, the body the store's {@code run_events} keeps and the server streams. The object holds
 * {@code kind} (the record's simple name, e.g. {@code TaskStarted}), {@code runId}, {@code taskId} (empty for what
 * concerns the run), {@code at} (ISO-8601 instant) and then each record component by its name:
 * strings, booleans and numbers as themselves, money ({@link BigDecimal}) as an exact JSON number, enums by their
 * lower-case name ({@code sonnet}, {@code merge_conflict}), a {@link Duration} in milliseconds, an absent
 * {@link Optional} as {@code null}, lists as arrays, maps and nested records as objects.
 *
 * <p>Written from the records themselves, so a new event needs nothing here; {@link #read} turns the text back
 * into the same record (the tests round-trip every kind).
 */
public final class RunEventJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Every concrete event record by its kind, found from the sealed hierarchy. */
    private static final Map<String, Class<? extends RunEvent>> KINDS = byKind();

    private RunEventJson() {
    }

    /** The event's kind: its record's simple name. */
    public static String kind(RunEvent event) {
        return event.getClass().getSimpleName();
    }

    /** Every kind there is, sorted. */
    public static List<String> kinds() {
        return KINDS.keySet().stream().sorted().toList();
    }

    /** {@code event}, which happened at {@code at}, as one line of JSON. */
    public static String write(RunEvent event, Instant at) {
        ObjectNode node = NODES.objectNode();
        node.put("kind", kind(event));
        node.put("runId", event.runId());
        node.put("taskId", event.taskId());
        node.put("at", at.toString());
        for (RecordComponent component : event.getClass().getRecordComponents()) {
            node.set(component.getName(), encode(value(component, event)));
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run event could not be written as JSON: " + e.getMessage(), e);
        }
    }

    /** The event {@link #write} wrote; a text that is not one is refused with what is wrong. */
    public static RunEvent read(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a run event's JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a run event's JSON: expected an object");
        }
        String kind = node.path("kind").asText("");
        Class<? extends RunEvent> type = KINDS.get(kind);
        if (type == null) {
            throw new IllegalArgumentException("not a run event's JSON: unknown kind '" + kind + "'; expected one of "
                    + kinds());
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            if (!node.has(name)) {
                throw new IllegalArgumentException("run event " + kind + ": field '" + name + "' is missing");
            }
            values[i] = decode(node.get(name), components[i].getGenericType(), kind + "." + name);
        }
        try {
            Constructor<? extends RunEvent> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("run event " + kind + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("run event " + kind + " cannot be built: " + e.getMessage(), e);
        }
    }

    /** When the event happened, as {@link #write} recorded it. */
    public static Instant at(String json) {
        try {
            return Instant.parse(JSON.readTree(json).path("at").asText());
        } catch (JsonProcessingException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a run event's JSON: no valid 'at': " + e.getMessage(), e);
        }
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode encode(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case String s -> NODES.textNode(s);
            case Boolean b -> NODES.booleanNode(b);
            case Integer n -> NODES.numberNode(n);
            case Long n -> NODES.numberNode(n);
            case BigDecimal n -> NODES.numberNode(n);
            case Enum<?> e -> NODES.textNode(e.name().toLowerCase(Locale.ROOT));
            case Duration d -> NODES.numberNode(d.toMillis());
            case Optional<?> o -> o.map(RunEventJson::encode).orElseGet(NODES::nullNode);
            case List<?> list -> {
                ArrayNode array = NODES.arrayNode();
                list.forEach(item -> array.add(encode(item)));
                yield array;
            }
            case Map<?, ?> map -> {
                ObjectNode object = NODES.objectNode();
                // sorted: the same event always reads the same
                map.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> a.toString().compareTo(b.toString())))
                        .forEach(entry -> object.set(entry.getKey().toString(), encode(entry.getValue())));
                yield object;
            }
            case Record record -> {
                ObjectNode object = NODES.objectNode();
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    object.set(component.getName(), encode(value(component, record)));
                }
                yield object;
            }
            default -> throw new IllegalStateException("a run event holds a " + value.getClass().getName()
                    + ", which RunEventJson cannot write: teach encode and decode the type");
        };
    }

    private static Object decode(JsonNode node, Type type, String where) {
        if (type instanceof ParameterizedType generic) {
            Class<?> raw = (Class<?>) generic.getRawType();
            Type[] args = generic.getActualTypeArguments();
            if (raw == Optional.class) {
                return node.isNull() ? Optional.empty() : Optional.of(decode(node, args[0], where));
            }
            if (raw == List.class) {
                require(node.isArray(), where, "an array");
                List<Object> items = new ArrayList<>();
                node.forEach(item -> items.add(decode(item, args[0], where + "[]")));
                return List.copyOf(items);
            }
            if (raw == Map.class) {
                require(node.isObject(), where, "an object");
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    map.put(entry.getKey(), decode(entry.getValue(), args[1], where + "." + entry.getKey()));
                }
                return Map.copyOf(map);
            }
            throw new IllegalStateException(where + ": RunEventJson cannot read a " + raw.getName());
        }
        Class<?> raw = (Class<?>) type;
        if (raw == String.class) {
            require(node.isTextual(), where, "a string");
            return node.asText();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            require(node.isBoolean(), where, "true or false");
            return node.asBoolean();
        }
        if (raw == int.class || raw == Integer.class) {
            require(node.canConvertToInt(), where, "an integer");
            return node.asInt();
        }
        if (raw == long.class || raw == Long.class) {
            require(node.canConvertToLong(), where, "an integer");
            return node.asLong();
        }
        if (raw == BigDecimal.class) {
            require(node.isNumber(), where, "a number");
            return node.decimalValue();
        }
        if (raw == Duration.class) {
            require(node.canConvertToLong(), where, "milliseconds");
            return Duration.ofMillis(node.asLong());
        }
        if (raw.isEnum()) {
            require(node.isTextual(), where, "a name");
            return Arrays.stream(raw.getEnumConstants()).filter(c -> ((Enum<?>) c).name().equalsIgnoreCase(node.asText()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(where + ": '" + node.asText()
                            + "' is not one of " + Arrays.toString(raw.getEnumConstants())));
        }
        if (raw.isRecord()) {
            require(node.isObject(), where, "an object");
            RecordComponent[] components = raw.getRecordComponents();
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = decode(node.path(components[i].getName()), components[i].getGenericType(),
                        where + "." + components[i].getName());
            }
            try {
                return raw.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                        .toArray(Class<?>[]::new)).newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(where + ": cannot be built: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException(where + ": RunEventJson cannot read a " + raw.getName());
    }

    private static void require(boolean ok, String where, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("run event field " + where + ": expected " + expected);
        }
    }

    private static Map<String, Class<? extends RunEvent>> byKind() {
        Map<String, Class<? extends RunEvent>> kinds = new LinkedHashMap<>();
        leaves(RunEvent.class).forEach(type -> kinds.put(type.getSimpleName(), type));
        return Map.copyOf(kinds);
    }

    /** The records under a sealed type, however deep the hierarchy. */
    @SuppressWarnings("unchecked")
    static Stream<Class<? extends RunEvent>> leaves(Class<?> type) {
        if (type.isRecord()) {
            return Stream.of((Class<? extends RunEvent>) type);
        }
        return Arrays.stream(type.getPermittedSubclasses()).flatMap(RunEventJson::leaves);
    }
}
