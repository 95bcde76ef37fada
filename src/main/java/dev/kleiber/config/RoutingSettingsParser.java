package dev.kleiber.config;

import dev.kleiber.routing.Learning;
import dev.kleiber.routing.SensitivePaths;
import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code review:} and {@code routing:} of kleiber.yaml. A category under {@code review.sensitive_paths}
 * replaces the default category of that name (an empty list switches it off); other defaults stay.
 */
final class RoutingSettingsParser {
    private static final Pattern CATEGORY = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    private RoutingSettingsParser() {
    }

    static RoutingSettings parse(Mapping root) {
        SensitivePaths paths = root.mapping("review").map(RoutingSettingsParser::sensitivePaths)
                .orElse(SensitivePaths.DEFAULTS);
        Learning learning = root.mapping("routing").map(RoutingSettingsParser::learning).orElse(Learning.DEFAULTS);
        return new RoutingSettings(paths, learning);
    }

    private static SensitivePaths sensitivePaths(Mapping review) {
        review.allowOnly(Set.of("sensitive_paths"));
        Optional<Mapping> declared = review.mapping("sensitive_paths");
        if (declared.isEmpty()) {
            return SensitivePaths.DEFAULTS;
        }
        Map<String, List<String>> categories = new LinkedHashMap<>();
        declared.get().entries().forEach((name, node) -> {
            if (!CATEGORY.matcher(name).matches()) {
                throw node.error("a sensitive-path category is a lower-case name like 'auth' or 'payments'; found '"
                        + name + "'");
            }
            List<String> globs = new ArrayList<>();
            List<YamlNode> items = node instanceof YamlNode.Scalar scalar ? (scalar.isNull() ? List.of() : List.of(node))
                    : node.asSequence("review.sensitive_paths." + name).items();
            for (YamlNode item : items) {
                String glob = item.asText("review.sensitive_paths." + name).strip();
                SensitivePaths.problem(glob).ifPresent(problem -> {
                    throw item.error("review.sensitive_paths." + name + ": " + problem
                            + "; expected a path glob like 'src/auth/**' or '**/*permission*'");
                });
                globs.add(glob);
            }
            categories.put(name, globs);
        });
        return SensitivePaths.DEFAULTS.with(categories);
    }

    private static Learning learning(Mapping routing) {
        routing.allowOnly(Set.of("learning", "learning_window", "learning_threshold"));
        boolean enabled = routing.get("learning").map(RoutingSettingsParser::onOff).orElse(Learning.DEFAULTS.enabled());
        int window = routing.get("learning_window").map(n -> {
            long value = n.asInteger("routing.learning_window");
            if (value < 2 || value > 100) {
                throw n.error("'routing.learning_window' must be a whole number from 2 to 100 (recent tasks per rule "
                        + "and tier); found '" + n.asText("routing.learning_window") + "'");
            }
            return (int) value;
        }).orElse(Learning.DEFAULTS.window());
        double threshold = routing.get("learning_threshold").map(n -> {
            BigDecimal value = n.asDecimal("routing.learning_threshold");
            if (value.compareTo(BigDecimal.ZERO) <= 0 || value.compareTo(BigDecimal.ONE) >= 0) {
                throw n.error("'routing.learning_threshold' must be a share between 0 and 1, such as 0.5; found '"
                        + n.asText("routing.learning_threshold") + "'");
            }
            return value.doubleValue();
        }).orElse(Learning.DEFAULTS.threshold());
        return new Learning(enabled, window, threshold);
    }

    private static boolean onOff(YamlNode node) {
        return switch (node.asText("routing.learning").strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw node.error("'routing.learning' must be on or off; found '" + node.asText("routing.learning") + "'");
        };
    }
}
