package dev.kleiber.config;

import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code requires:}:
 * <pre>
 * requires:
 *   roles: {engineer-frontend: [node20]}
 *   tasks: {build-storybook: [node20, chromium]}
 * </pre>
 * A tag is what {@code kleiber worker --tags} accepts; every error names the line and what was expected.
 */
final class RequirementsParser {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9]*(-[a-z0-9]+)*");

    private RequirementsParser() {
    }

    static Requirements parse(Mapping root) {
        return root.mapping("requires").map(RequirementsParser::requires).orElse(Requirements.NONE);
    }

    private static Requirements requires(Mapping requires) {
        requires.allowOnly(Set.of("roles", "tasks"));
        return new Requirements(byName(requires, "roles", "role names such as engineer-frontend"),
                byName(requires, "tasks", "task ids such as build-storybook"));
    }

    private static Map<String, Set<String>> byName(Mapping requires, String key, String what) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        requires.mapping(key).ifPresent(mapping -> mapping.entries().forEach((name, value) -> {
            String field = "requires." + key + "." + name;
            if (!NAME.matcher(name).matches()) {
                throw value.error("'requires." + key + "' keys are " + what + "; found '" + name + "'");
            }
            Set<String> tags = new LinkedHashSet<>();
            for (YamlNode item : value.asSequence(field).items()) {
                String tag = item.asText(field).strip();
                if (!Requirements.TAG.matcher(tag).matches()) {
                    throw item.error("'" + field + "' holds capability tags (lower-case letters, digits, '.', '_', '-', "
                            + "at most 32, as kleiber worker --tags takes them); found '" + tag + "'");
                }
                tags.add(tag);
            }
            out.put(name, tags);
        }));
        return out;
    }
}
