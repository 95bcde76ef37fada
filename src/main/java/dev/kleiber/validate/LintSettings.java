package dev.kleiber.validate;

import dev.kleiber.agent.Glob;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the linter and the role gates look in a repository, what they skip and how much each rule counts
 * (the {@code lint:} section of kleiber.yaml). {@link #defaults()} is the blueprint's layout widened to the
 * usual monorepo shapes ({@code packages/*}{@code /src}, {@code apps/*}{@code /src}).
 *
 * @param components       folders whose {@code .tsx} files are components (file-component, gate-story)
 * @param stories          further folders whose PascalCase {@code .tsx} files need a story (gate-story only)
 * @param utilities        folders whose {@code .ts} files are utilities (file-utility)
 * @param endpoints        scripts searched for Express-style routes (gate-endpoint-test)
 * @param integrationTests where the integration tests that cover endpoints live
 * @param exclude          files never linted: generated code, vendored code, lock files
 * @param severities       each rule's severity; a rule not named is an error
 */
public record LintSettings(List<Glob> components, List<Glob> stories, List<Glob> utilities, List<Glob> endpoints,
                           List<Glob> integrationTests, List<Glob> exclude, Map<Rule, Severity> severities) {

    public static final List<String> DEFAULT_COMPONENTS = List.of("src/components/**",
            "src/frontend/**/components/**", "packages/*/src/components/**", "apps/*/src/components/**",
            "packages/*/components/**", "apps/*/components/**");
    public static final List<String> DEFAULT_STORIES = List.of("src/frontend/**");
    public static final List<String> DEFAULT_UTILITIES = List.of("src/**", "packages/*/src/**", "apps/*/src/**");
    public static final List<String> DEFAULT_ENDPOINTS = List.of("src/backend/**", "src/services/**");
    public static final List<String> DEFAULT_INTEGRATION_TESTS = List.of("tests/integration/**");
    /**
     * Generated or historical files no person names: Prisma writes its migrations from schema.prisma (their
     * table and index names are Prisma's), svgr and code generators write {@code *.generated.*} and
     * {@code __generated__}, package managers write lock files.
     */
    public static final List<String> DEFAULT_EXCLUDES = List.of("**/prisma/migrations/**", "**/*.generated.*",
            "**/__generated__/**", "**/package-lock.json", "**/pnpm-lock.yaml", "**/yarn.lock", "**/bun.lockb");

    public LintSettings {
        components = List.copyOf(components);
        stories = List.copyOf(stories);
        utilities = List.copyOf(utilities);
        endpoints = List.copyOf(endpoints);
        integrationTests = List.copyOf(integrationTests);
        exclude = List.copyOf(exclude);
        Map<Rule, Severity> copy = new EnumMap<>(Rule.class);
        copy.putAll(severities);
        severities = java.util.Collections.unmodifiableMap(copy);
    }

    public static LintSettings defaults() {
        return new LintSettings(globs(DEFAULT_COMPONENTS), globs(DEFAULT_STORIES), globs(DEFAULT_UTILITIES),
                globs(DEFAULT_ENDPOINTS), globs(DEFAULT_INTEGRATION_TESTS), globs(DEFAULT_EXCLUDES), Map.of());
    }

    public static List<Glob> globs(List<String> texts) {
        List<Glob> globs = new ArrayList<>();
        texts.forEach(text -> globs.add(Glob.path(text)));
        return List.copyOf(globs);
    }

    public Severity severity(Rule rule) {
        return severities.getOrDefault(rule, Severity.ERROR);
    }

    boolean isComponentFolder(String path) {
        return matches(components, path);
    }

    boolean needsStory(String path) {
        return matches(components, path) || matches(stories, path);
    }

    boolean isUtilityFolder(String path) {
        return matches(utilities, path);
    }

    boolean isEndpointSource(String path) {
        return matches(endpoints, path);
    }

    boolean isIntegrationTest(String path) {
        return matches(integrationTests, path);
    }

    boolean excluded(String path) {
        return matches(exclude, path);
    }

    /** The folder an integration-test glob names, for messages: {@code tests/integration/} for the default. */
    String integrationTestsText() {
        return String.join(" or ", integrationTests.stream().map(g -> g.exactDirectory().map(d -> d + "/")
                .orElse(g.text())).toList());
    }

    private static boolean matches(List<Glob> globs, String path) {
        return globs.stream().anyMatch(g -> g.matches(path));
    }

    /** The same settings with one rule's severity changed. */
    public LintSettings with(Rule rule, Severity severity) {
        Map<Rule, Severity> changed = new EnumMap<>(Rule.class);
        changed.putAll(severities);
        changed.put(rule, severity);
        return new LintSettings(components, stories, utilities, endpoints, integrationTests, exclude, changed);
    }

    /** A rule by the id findings print ({@code sql-index}). */
    public static Optional<Rule> rule(String id) {
        return java.util.Arrays.stream(Rule.values()).filter(r -> r.id().equals(id)).findFirst();
    }
}
