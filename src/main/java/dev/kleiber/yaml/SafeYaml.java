package dev.kleiber.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.kleiber.KleiberException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads YAML as plain data with line numbers. Refuses what a project file never needs and an attacker
 * might use: documents over {@link #MAX_CHARS}, nesting deeper than {@link #MAX_DEPTH}, aliases and
 * anchors, explicit tags, and duplicate keys (which other loaders silently resolve to the last one).
 */
public final class SafeYaml {
    public static final int MAX_CHARS = 1024 * 1024;
    public static final int MAX_DEPTH = 64;

    private final YAMLFactory factory;

    public SafeYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS + 1);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH + 1);
        factory = YAMLFactory.builder()
                .loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
                .build();
    }

    /** Parses {@code text}; {@code source} names it in messages (a path as the user would write it). */
    public YamlNode parse(String text, String source) {
        if (text.length() > MAX_CHARS) {
            throw KleiberException.badInput(source + ": too large (" + text.length() + " characters; at most "
                    + MAX_CHARS + ")");
        }
        if (text.isBlank()) {
            return new YamlNode.Mapping(source, 1, Map.of());
        }
        try (YAMLParser parser = (YAMLParser) factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlNode.Mapping(source, 1, Map.of());
            }
            YamlNode root = read(parser, source, 0);
            if (parser.nextToken() != null) {
                throw KleiberException.badInput(source + " line " + line(parser)
                        + ": more than one YAML document; expected exactly one");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw KleiberException.badInput(source + syntaxError(e));
        } catch (IOException e) {
            throw KleiberException.badInput(source + ": cannot be read as YAML: " + e.getMessage());
        }
    }

    /** " line N: not valid YAML: what" — at the line where the problem is, not where its context began. */
    private static String syntaxError(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                return " line " + (marked.getProblemMark().getLine() + 1) + ": not valid YAML: "
                        + Optional.ofNullable(marked.getProblem()).orElse("syntax error").strip();
            }
        }
        JsonLocation at = Optional.ofNullable(e.getLocation()).orElse(JsonLocation.NA);
        String where = at.getLineNr() > 0 ? " line " + at.getLineNr() : "";
        return where + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("syntax error").strip();
    }

    private YamlNode read(YAMLParser parser, String source, int depth) throws IOException {
        int line = line(parser);
        if (depth > MAX_DEPTH) {
            throw KleiberException.badInput(source + " line " + line + ": nested deeper than " + MAX_DEPTH + " levels");
        }
        refuseAnchorsAndTags(parser, source, line);
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readMapping(parser, source, depth, line);
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser, source, depth + 1));
                }
                yield new YamlNode.Sequence(source, line, items);
            }
            case VALUE_NULL -> new YamlNode.Scalar(source, line, Optional.empty());
            default -> {
                if (parser.isCurrentAlias()) {
                    throw KleiberException.badInput(source + " line " + line + ": aliases (*name) are not allowed");
                }
                yield new YamlNode.Scalar(source, line, Optional.of(parser.getText()));
            }
        };
    }

    private YamlNode readMapping(YAMLParser parser, String source, int depth, int line) throws IOException {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = line(parser);
            if (keyLines.containsKey(key)) {
                throw KleiberException.badInput(source + " line " + keyLine + ": duplicate key '" + key
                        + "' (first at line " + keyLines.get(key) + ")");
            }
            keyLines.put(key, keyLine);
            parser.nextToken();
            entries.put(key, read(parser, source, depth + 1));
        }
        return new YamlNode.Mapping(source, line, entries);
    }

    private static void refuseAnchorsAndTags(YAMLParser parser, String source, int line) throws IOException {
        if (parser.getObjectId() != null) {
            throw KleiberException.badInput(source + " line " + line + ": anchors (&name) are not allowed");
        }
        if (parser.getTypeId() != null) {
            throw KleiberException.badInput(source + " line " + line + ": tags (!" + parser.getTypeId()
                    + ") are not allowed");
        }
    }

    private static int line(JsonParser parser) {
        return Math.max(1, parser.currentTokenLocation().getLineNr());
    }
}
