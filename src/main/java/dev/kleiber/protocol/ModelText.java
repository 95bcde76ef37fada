package dev.kleiber.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Puts text a model sent (a summary, a decision, an attempted solution: any string at all) into a protocol file so
 * that the file reads back exactly as written and no section or field can be forged. The normalisation:
 * <ul>
 *   <li>a line that markdown would read as structure gets a backslash in front of its first character, which
 *       markdown shows as that character: in a section, a heading ({@code #}), a code fence, an HTML block
 *       ({@code <}) and a setext underline ({@code ---}, {@code ===}); in a list item, anything that opens a block
 *       ({@code - * + # > < [ | ` ~ _ =}, {@code 1.}, {@code 1)});</li>
 *   <li>a list item is one line: its lines are joined with single spaces;</li>
 *   <li>line ends become {@code \n}; trailing spaces, surrounding blank lines, byte-order marks and unpaired
 *       surrogates (which UTF-8 cannot hold) go; empty text becomes {@code (none given)};</li>
 *   <li>a section keeps at most {@value #MAX_BLOCK_CHARS} characters and a list item {@value #MAX_ITEM_CHARS},
 *       marked as cut, so the file stays far below the 256 KiB a protocol file may have.</li>
 * </ul>
 * Pure.
 */
public final class ModelText {
    static final int MAX_BLOCK_CHARS = 16_000;
    static final int MAX_ITEM_CHARS = 2_000;
    /** How many list items a section keeps. */
    public static final int MAX_ITEMS = 50;
    private static final String NONE = "(none given)";
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("[-=][-=\\s]*");
    private static final Pattern ORDERED = Pattern.compile("\\d{1,9}[.)](\\s.*)?");
    private static final String BLOCK_STARTS = "-*+#><[|`~_=";

    private ModelText() {
    }

    /** Text for a section body. */
    public static String block(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : plain(text).split("\n", -1)) {
            String trimmed = line.strip();
            boolean structure = trimmed.startsWith("#") || trimmed.startsWith("```") || trimmed.startsWith("~~~")
                    || trimmed.startsWith("<") || SETEXT_UNDERLINE.matcher(trimmed).matches();
            lines.add(structure ? "\\" + trimmed : line.stripTrailing());
        }
        return orNone(cut(Text.block(String.join("\n", lines)), MAX_BLOCK_CHARS));
    }

    /** Text for one list item. */
    public static String item(String text) {
        String line = cut(Text.line(plain(text)), MAX_ITEM_CHARS);
        if (!line.isEmpty() && (BLOCK_STARTS.indexOf(line.charAt(0)) >= 0 || ORDERED.matcher(line).matches())) {
            int at = line.charAt(0) >= '0' && line.charAt(0) <= '9' ? firstNonDigit(line) : 0;
            line = line.substring(0, at) + "\\" + line.substring(at);
        }
        return orNone(line);
    }

    /** Items for a list section: each one {@link #item}, at most {@link #MAX_ITEMS}. */
    public static List<String> items(List<String> texts) {
        List<String> items = new ArrayList<>(texts.stream().limit(MAX_ITEMS).map(ModelText::item).toList());
        if (texts.size() > MAX_ITEMS) {
            items.add("(" + (texts.size() - MAX_ITEMS) + " more not kept)");
        }
        return List.copyOf(items);
    }

    private static int firstNonDigit(String line) {
        int i = 0;
        while (i < line.length() && Character.isDigit(line.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Line ends unified; byte-order marks and unpaired surrogates removed. */
    private static String plain(String text) {
        StringBuilder out = new StringBuilder(text.length());
        String unified = text.replace("\r\n", "\n").replace('\r', '\n');
        for (int i = 0; i < unified.length(); i++) {
            char c = unified.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < unified.length() && Character.isLowSurrogate(unified.charAt(i + 1))) {
                out.append(c).append(unified.charAt(++i));
            } else if (c != '\uFEFF' && !Character.isSurrogate(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end).stripTrailing() + " [... cut at " + max + " characters]";
    }

    private static String orNone(String text) {
        return text.isBlank() ? NONE : text;
    }
}
