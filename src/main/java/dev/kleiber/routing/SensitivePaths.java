package dev.kleiber.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The repository's sensitive paths by category ({@code review.sensitive_paths} in kleiber.yaml): a task that
 * declares a file matching one, or whose diff touches one, goes to human review whatever its text says.
 * Immutable; the globs are compiled once.
 */
public final class SensitivePaths {

    /** Where auth, payment, crypto and secret code usually lives; a project replaces a category by naming it. */
    public static final SensitivePaths DEFAULTS = new SensitivePaths(defaultCategories());

    private static final List<String> PROSE = List.of(".md", ".mdx", ".markdown", ".rst", ".adoc", ".txt");

    private final Map<String, List<String>> categories;
    private final List<Compiled> compiled;

    private record Compiled(String category, PathGlob glob) {
    }

    /** @param categories category name (auth, payments, ...) to its globs, in the order written */
    public SensitivePaths(Map<String, List<String>> categories) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        categories.forEach((name, globs) -> copy.put(name, List.copyOf(globs)));
        this.categories = java.util.Collections.unmodifiableMap(copy);
        this.compiled = copy.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(g -> new Compiled(e.getKey(), PathGlob.of(g)))).toList();
    }

    public Map<String, List<String>> categories() {
        return categories;
    }

    private static Map<String, List<String>> defaultCategories() {
        Map<String, List<String>> defaults = new LinkedHashMap<>();
        defaults.put("auth", List.of("src/auth/**", "**/auth/**", "**/*permission*", "**/*Permission*",
                "**/authz/**", "**/*authoriz*", "**/*Authoriz*", "**/middleware/*auth*"));
        defaults.put("payments", List.of("**/payments/**", "**/billing/**", "**/*payment*", "**/*Payment*",
                "**/*billing*", "**/*Billing*", "**/*refund*", "**/*Refund*", "**/*payout*", "**/*Payout*"));
        defaults.put("crypto", List.of("**/crypto/**", "**/*crypto*", "**/*Crypto*", "**/*encrypt*", "**/*Encrypt*"));
        defaults.put("secrets", List.of(".env", ".env.*", "**/secrets/**", "*.pem", "*.key"));
        return defaults;
    }

    /** One declared or changed file that lies in a sensitive category. */
    public record Match(String path, String category, String glob) {
        /** {@code src/auth/session.ts (auth: src/auth/**)}. */
        public String describe() {
            return path + " (" + category + ": " + glob + ")";
        }
    }

    /**
     * The first category and glob {@code path} matches, in the order written. Prose files (Markdown, reStructuredText,
     * AsciiDoc, plain text) never match: a guide to refunds is not refund code.
     */
    public Optional<Match> match(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (PROSE.stream().anyMatch(lower::endsWith)) {
            return Optional.empty();
        }
        for (Compiled c : compiled) {
            if (c.glob().matches(path)) {
                return Optional.of(new Match(path, c.category(), c.glob().pattern()));
            }
        }
        return Optional.empty();
    }

    /** Every path of {@code paths} that matches, each once. */
    public List<Match> matches(List<String> paths) {
        return paths.stream().distinct().map(this::match).flatMap(Optional::stream).toList();
    }

    /** Whether a project may write {@code glob}: empty when it is a glob, else what is wrong. */
    public static Optional<String> problem(String glob) {
        return PathGlob.problem(glob);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SensitivePaths that && categories.equals(that.categories);
    }

    @Override
    public int hashCode() {
        return categories.hashCode();
    }

    @Override
    public String toString() {
        return "SensitivePaths" + categories;
    }

    /** These categories with the categories of {@code project} replacing those of the same name. */
    public SensitivePaths with(Map<String, List<String>> project) {
        Map<String, List<String>> merged = new LinkedHashMap<>(categories);
        merged.putAll(project);
        return new SensitivePaths(merged);
    }
}
