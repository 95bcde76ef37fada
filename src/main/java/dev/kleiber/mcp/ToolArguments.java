package dev.kleiber.mcp;

import dev.kleiber.KleiberException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arguments of one tool call, read by name and type. The SDK already checks them against the tool's schema;
 * these reads check again, so that a handler never trusts the shape of what a model sent.
 */
final class ToolArguments {
    private final Map<String, Object> values;

    ToolArguments(Map<String, Object> values) {
        this.values = values == null ? Map.of() : Map.copyOf(withoutNulls(values));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> values) {
        Map<String, Object> kept = new HashMap<>();
        values.forEach((k, v) -> {
            if (k != null && v != null) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    Optional<String> text(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            throw KleiberException.badInput("argument '" + name + "' must be a string; found " + describe(value));
        }
        return Optional.of(s);
    }

    String requiredText(String name) {
        String value = text(name).orElseThrow(() -> KleiberException.badInput("argument '" + name + "' is required"));
        if (value.isBlank()) {
            throw KleiberException.badInput("argument '" + name + "' must not be empty");
        }
        return value;
    }

    Optional<Long> integer(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Optional.of(n.longValue());
        }
        throw KleiberException.badInput("argument '" + name + "' must be a whole number; found " + describe(value));
    }

    Optional<Boolean> flag(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Boolean b)) {
            throw KleiberException.badInput("argument '" + name + "' must be true or false; found " + describe(value));
        }
        return Optional.of(b);
    }

    List<String> texts(String name) {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw KleiberException.badInput("argument '" + name + "' must be a list of strings; found " + describe(value));
        }
        List<String> texts = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw KleiberException.badInput("argument '" + name + "' must hold strings only; found " + describe(item));
            }
            texts.add(s);
        }
        return List.copyOf(texts);
    }

    /**
     * A path argument, which must name something inside {@code project}: a model is not to read or write around the
     * project through Kleiber. Returned as given (relative), for the CLI to resolve against the project.
     */
    String projectPath(String name, String value, Path project) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw KleiberException.badInput("argument '" + name + "': not a path: " + e.getMessage());
        }
        if (path.isAbsolute() || !project.resolve(path).normalize().startsWith(project)) {
            throw KleiberException.badInput("argument '" + name + "' must be a path inside the project, relative to "
                    + project + "; found " + value);
        }
        return value;
    }

    private static String describe(Object value) {
        return switch (value) {
            case String s -> "the text \"" + s + "\"";
            case Number n -> "the number " + n;
            case Boolean b -> b.toString();
            case List<?> l -> "a list";
            case Map<?, ?> m -> "an object";
            default -> value.getClass().getSimpleName();
        };
    }
}
