package dev.kleiber.yaml;

import dev.kleiber.KleiberException;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A YAML value with the place it came from. Only plain data exists here: no tags, no types, no aliases,
 * so nothing in a file can make the loader build an object. Accessors fail with a message naming the
 * source, the line and what was expected.
 */
public sealed interface YamlNode {
    String source();

    int line();

    /** What this node is, for messages: "a text", "a list", "a mapping". */
    String describe();

    default KleiberException error(String message) {
        return KleiberException.badInput(source() + " line " + line() + ": " + message);
    }

    /** A scalar (everything that is not a list or mapping), kept as the text written. {@code null} has no text. */
    record Scalar(String source, int line, Optional<String> text) implements YamlNode {
        @Override
        public String describe() {
            return text.map(t -> "'" + t + "'").orElse("nothing");
        }

        public boolean isNull() {
            return text.isEmpty();
        }
    }

    record Sequence(String source, int line, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A mapping whose keys are unique (the loader refuses duplicates) and kept in file order. */
    record Mapping(String source, int line, Map<String, YamlNode> entries) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a mapping";
        }

        public Optional<YamlNode> get(String key) {
            return Optional.ofNullable(entries.get(key)).filter(n -> !(n instanceof Scalar s && s.isNull()));
        }

        /** Fails on the first key not in {@code allowed}, listing the allowed ones. */
        public Mapping allowOnly(Set<String> allowed) {
            for (var entry : entries.entrySet()) {
                if (!allowed.contains(entry.getKey())) {
                    throw entry.getValue().error("unknown key '" + entry.getKey() + "'; expected one of "
                            + String.join(", ", new TreeSet<>(allowed)));
                }
            }
            return this;
        }

        public YamlNode require(String key) {
            return get(key).orElseThrow(() -> error("'" + key + "' is required"));
        }

        public Optional<String> text(String key) {
            return get(key).map(n -> n.asText(key));
        }

        public String requireText(String key) {
            return require(key).asText(key);
        }

        public Optional<Mapping> mapping(String key) {
            return get(key).map(n -> n.asMapping(key));
        }

        public List<YamlNode> list(String key) {
            return get(key).map(n -> n.asSequence(key).items()).orElse(List.of());
        }

        /** A list of texts; a single text is accepted as a list of one. */
        public List<String> texts(String key) {
            return get(key).map(n -> n instanceof Scalar ? List.of(n.asText(key))
                    : n.asSequence(key).items().stream().map(i -> i.asText(key)).toList()).orElse(List.of());
        }

        public Optional<Long> integer(String key) {
            return get(key).map(n -> n.asInteger(key));
        }

        public Optional<BigDecimal> decimal(String key) {
            return get(key).map(n -> n.asDecimal(key));
        }

        public Optional<Boolean> bool(String key) {
            return get(key).map(n -> n.asBoolean(key));
        }

        public <T> Optional<T> value(String key, Function<YamlNode, T> reader) {
            return get(key).map(reader);
        }
    }

    default String asText(String what) {
        if (this instanceof Scalar s && s.text().isPresent()) {
            return s.text().get();
        }
        throw error("'" + what + "' must be a text; found " + describe());
    }

    default Mapping asMapping(String what) {
        if (this instanceof Mapping m) {
            return m;
        }
        throw error("'" + what + "' must be a mapping of keys to values; found " + describe());
    }

    default Sequence asSequence(String what) {
        if (this instanceof Sequence s) {
            return s;
        }
        throw error("'" + what + "' must be a list; found " + describe());
    }

    default long asInteger(String what) {
        String text = asText(what);
        try {
            return Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("'" + what + "' must be a whole number; found '" + text + "'");
        }
    }

    default BigDecimal asDecimal(String what) {
        String text = asText(what);
        try {
            return new BigDecimal(text.replace("_", "").replaceFirst("^\\$", ""));
        } catch (NumberFormatException e) {
            throw error("'" + what + "' must be a number; found '" + text + "'");
        }
    }

    default boolean asBoolean(String what) {
        String text = asText(what).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error("'" + what + "' must be true or false; found '" + text + "'");
        };
    }
}
