package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.Glob;
import dev.kleiber.validate.LintSettings;
import dev.kleiber.validate.Rule;
import dev.kleiber.validate.Severity;
import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code layout:} and {@code lint:} sections of kleiber.yaml into {@link LayoutSettings}; every error
 * names the line. Pure.
 *
 * <pre>
 * layout:
 *   main_branch: master
 *   write:
 *     engineer-backend: ["src/app/**", "prisma/**", "tests/**"]
 * lint:
 *   components: ["packages/*&#47;src/components/**"]
 *   endpoints: ["src/app/routes/**"]
 *   integration_tests: ["tests/**"]
 *   exclude: ["src/legacy/**"]      # added to the defaults; default_excludes: false drops those
 *   rules: {sql-index: warn, gate-story: off}
 * </pre>
 */
final class LayoutSettingsParser {
    /** What git accepts as a branch name, short of its rarer rules: no spaces, no {@code ..}, no leading dash. */
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}");
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private LayoutSettingsParser() {
    }

    static LayoutSettings parse(Mapping root) {
        LayoutSettings defaults = LayoutSettings.defaults();
        Optional<Mapping> layout = root.mapping("layout")
                .map(m -> m.allowOnly(Set.of("main_branch", "write")));
        String main = layout.flatMap(m -> m.get("main_branch")).map(LayoutSettingsParser::branch)
                .orElse(defaults.mainBranch());
        Map<String, List<String>> write = layout.flatMap(m -> m.mapping("write")).map(LayoutSettingsParser::write)
                .orElse(Map.of());
        LintSettings lint = root.mapping("lint").map(LayoutSettingsParser::lint).orElse(defaults.lint());
        return new LayoutSettings(main, write, lint);
    }

    private static String branch(YamlNode node) {
        String name = node.asText("main_branch").strip();
        if (!BRANCH.matcher(name).matches() || name.contains("..") || name.endsWith("/") || name.endsWith(".lock")) {
            throw node.error("'main_branch' must be a git branch name such as main or master; found '" + name + "'");
        }
        return name;
    }

    private static Map<String, List<String>> write(Mapping write) {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (var entry : write.entries().entrySet()) {
            if (!ROLE.matcher(entry.getKey()).matches()) {
                throw entry.getValue().error("'layout.write' names roles (like engineer-backend); found '"
                        + entry.getKey() + "'");
            }
            roles.put(entry.getKey(), globs(write, entry.getKey(), "layout.write." + entry.getKey()));
        }
        return roles;
    }

    private static LintSettings lint(Mapping lint) {
        lint.allowOnly(Set.of("components", "stories", "utilities", "endpoints", "integration_tests", "exclude",
                "default_excludes", "rules"));
        LintSettings defaults = LintSettings.defaults();
        List<String> exclude = new ArrayList<>();
        if (lint.bool("default_excludes").orElse(true)) {
            exclude.addAll(LintSettings.DEFAULT_EXCLUDES);
        }
        exclude.addAll(globs(lint, "exclude", "lint.exclude"));
        return new LintSettings(
                list(lint, "components", defaults.components()),
                list(lint, "stories", defaults.stories()),
                list(lint, "utilities", defaults.utilities()),
                list(lint, "endpoints", defaults.endpoints()),
                list(lint, "integration_tests", defaults.integrationTests()),
                LintSettings.globs(exclude),
                lint.mapping("rules").map(LayoutSettingsParser::rules).orElse(Map.of()));
    }

    private static List<Glob> list(Mapping lint, String key, List<Glob> fallback) {
        return lint.get(key).isPresent() ? LintSettings.globs(globs(lint, key, "lint." + key)) : fallback;
    }

    private static Map<Rule, Severity> rules(Mapping rules) {
        Map<Rule, Severity> severities = new EnumMap<>(Rule.class);
        for (var entry : rules.entries().entrySet()) {
            YamlNode node = entry.getValue();
            Rule rule = LintSettings.rule(entry.getKey()).orElseThrow(() -> node.error("'lint.rules' has no rule '"
                    + entry.getKey() + "'; the rules are " + String.join(", ",
                    Arrays.stream(Rule.values()).map(Rule::id).toList())));
            String text = node.asText("lint.rules." + rule.id());
            severities.put(rule, Severity.parse(text).orElseThrow(() -> node.error("'lint.rules." + rule.id()
                    + "' must be error, warn or off; found '" + text + "'")));
        }
        return severities;
    }

    /** Repository-relative path globs; each is checked as {@link Glob#path} would be, with the line named. */
    private static List<String> globs(Mapping mapping, String key, String what) {
        List<String> globs = new ArrayList<>();
        for (String text : mapping.texts(key)) {
            String glob = text.strip();
            try {
                Glob.path(glob);
            } catch (KleiberException bad) {
                throw mapping.require(key).error("'" + what + "' holds globs relative to the repository like "
                        + "src/app/**; " + bad.getMessage());
            }
            globs.add(glob);
        }
        return globs;
    }
}
