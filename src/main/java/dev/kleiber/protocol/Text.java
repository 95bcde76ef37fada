package dev.kleiber.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The normal form the parser reads text in, applied by the records too, so that a document built in code
 * renders and reads back equal: sections without trailing spaces or surrounding blank lines, list items and
 * field values on one line.
 */
final class Text {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private Text() {
    }

    /** A section body: line ends unified, trailing whitespace and leading/trailing blank lines removed. */
    static String block(String text) {
        Objects.requireNonNull(text, "text");
        List<String> lines = new ArrayList<>();
        for (String line : text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
            lines.add(line.stripTrailing());
        }
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isEmpty()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isEmpty()) {
            to--;
        }
        return String.join("\n", lines.subList(from, to));
    }

    /** A list item or field value: its lines stripped and joined by single spaces. */
    static String line(String text) {
        Objects.requireNonNull(text, "text");
        List<String> parts = new ArrayList<>();
        for (String part : text.replace("\r\n", "\n").replace('\r', '\n').split("\n")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return String.join(" ", parts);
    }

    /** True when {@code name} can be one part of a file path: letters, digits, '.', '_', '-', not starting with '.' or '-'. */
    static boolean isSafeName(String name) {
        return SAFE_NAME.matcher(name).matches();
    }

    /** {@code name}, when it is a safe file-name part (task ids and agent names become parts of paths). */
    static String requireSafeName(String what, String name) {
        if (!isSafeName(Objects.requireNonNull(name, what))) {
            throw new IllegalArgumentException(what + " must be letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit: '" + name + "'");
        }
        return name;
    }

    static List<String> lines(List<String> items) {
        return items.stream().map(Text::line).toList();
    }
}
