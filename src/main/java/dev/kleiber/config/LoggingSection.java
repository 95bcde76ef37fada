package dev.kleiber.config;

import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.util.Locale;
import java.util.Set;

/**
 * Parses the {@code logging:} key:
 * <pre>
 * logging:
 *   format: json     # text (default) or json
 * </pre>
 */
final class LoggingSection {
    private LoggingSection() {
    }

    static LogSettings parse(Mapping root) {
        return root.mapping("logging").map(LoggingSection::logging).orElse(LogSettings.DEFAULT);
    }

    private static LogSettings logging(Mapping logging) {
        logging.allowOnly(Set.of("format"));
        if (logging.get("format").isEmpty()) {
            return LogSettings.DEFAULT;
        }
        YamlNode node = logging.require("format");
        String text = node.asText("logging.format").strip();
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "text" -> new LogSettings(LogSettings.Format.TEXT);
            case "json" -> new LogSettings(LogSettings.Format.JSON);
            default -> throw node.error("'logging.format' must be text or json; found '" + text + "'");
        };
    }
}
