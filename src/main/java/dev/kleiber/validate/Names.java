package dev.kleiber.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Case shapes of names and the small plural heuristic behind the table rule. */
final class Names {
    private static final Pattern CAMEL = Pattern.compile("[a-z][a-zA-Z0-9]*");
    private static final Pattern PASCAL = Pattern.compile("[A-Z][a-zA-Z0-9]*");
    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    /** Word boundaries: separators, lower-to-upper ({@code userId}) and acronym ends ({@code HTTPServer}). */
    private static final Pattern WORDS = Pattern.compile("[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+");

    /** Plural or uncountable words that do not end in a plural "s". */
    private static final Set<String> PLURAL_WITHOUT_S = Set.of(
            "people", "children", "men", "women", "mice", "geese", "feet", "teeth", "oxen", "data", "metadata",
            "media", "criteria", "phenomena", "indices", "matrices", "vertices", "alumni", "fungi", "cacti",
            "sheep", "fish", "deer", "aircraft", "equipment", "information", "feedback", "staff", "personnel",
            "inventory", "software", "hardware", "knowledge", "money", "music", "traffic", "audio",
            "history", "evidence", "furniture", "luggage", "baggage", "research", "advice", "stock", "cattle",
            "police");
    /** Singular words that end in "s". */
    private static final Set<String> SINGULAR_WITH_S = Set.of("bus", "gas", "lens", "atlas", "canvas", "alias",
            "bias", "census", "campus", "virus", "corpus", "apparatus", "axis", "basis", "crisis", "thesis",
            "analysis", "diagnosis", "synopsis", "status", "process", "address", "class", "access", "business",
            "progress", "success", "mass", "pass", "boss", "loss", "kiss", "glass", "grass", "dress");
    /** Plurals ending in "s" that would look singular to the suffix rules. */
    private static final Set<String> PLURAL_EXCEPTIONS = Set.of("news", "series", "species", "statuses",
            "analyses", "diagnoses", "theses", "crises", "bases", "axes", "aliases", "buses", "gases", "lenses",
            "viruses", "campuses", "corpora", "processes", "addresses", "classes", "accesses", "businesses",
            "analytics", "settings", "physics", "economics", "mathematics", "statistics", "ethics", "logistics",
            "metrics", "credentials", "permissions");

    private Names() {
    }

    static boolean isCamel(String name) {
        return CAMEL.matcher(name).matches();
    }

    static boolean isPascal(String name) {
        return PASCAL.matcher(name).matches();
    }

    static boolean isSnake(String name) {
        return SNAKE.matcher(name).matches();
    }

    static List<String> words(String name) {
        List<String> words = new ArrayList<>();
        Matcher m = WORDS.matcher(name);
        while (m.find()) {
            words.add(m.group().toLowerCase(Locale.ROOT));
        }
        return words;
    }

    static String toSnake(String name) {
        return String.join("_", words(name));
    }

    static String toCamel(String name) {
        List<String> words = words(name);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            out.append(i == 0 ? words.get(i) : capitalize(words.get(i)));
        }
        return out.toString();
    }

    static String toPascal(String name) {
        StringBuilder out = new StringBuilder();
        words(name).forEach(w -> out.append(capitalize(w)));
        return out.toString();
    }

    static String capitalize(String word) {
        return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    static String decapitalize(String word) {
        return word.isEmpty() ? word : Character.toLowerCase(word.charAt(0)) + word.substring(1);
    }

    /** Whether the last word of a snake_case name reads as a plural (or an uncountable noun). */
    static boolean isPlural(String snakeName) {
        String word = lastWord(snakeName);
        if (PLURAL_WITHOUT_S.contains(word) || PLURAL_EXCEPTIONS.contains(word)) {
            return true;
        }
        if (SINGULAR_WITH_S.contains(word)) {
            return false;
        }
        return word.length() > 1 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")
                && !word.endsWith("is");
    }

    /** The plural of a snake_case name: its last word pluralised by the common English suffix rules. */
    static String pluralize(String snakeName) {
        if (isPlural(snakeName)) {
            return snakeName;
        }
        String word = lastWord(snakeName);
        String head = snakeName.substring(0, snakeName.length() - word.length());
        String plural;
        if (word.equals("person")) {
            plural = "people";
        } else if (word.equals("child")) {
            plural = "children";
        } else if (word.endsWith("y") && word.length() > 1 && "aeiou".indexOf(word.charAt(word.length() - 2)) < 0) {
            plural = word.substring(0, word.length() - 1) + "ies";
        } else if (word.endsWith("is")) {
            plural = word.substring(0, word.length() - 2) + "es";
        } else if (word.endsWith("s") || word.endsWith("x") || word.endsWith("z") || word.endsWith("ch")
                || word.endsWith("sh")) {
            plural = word + "es";
        } else {
            plural = word + "s";
        }
        return head + plural;
    }

    private static String lastWord(String snakeName) {
        return snakeName.substring(snakeName.lastIndexOf('_') + 1).toLowerCase(Locale.ROOT);
    }
}
