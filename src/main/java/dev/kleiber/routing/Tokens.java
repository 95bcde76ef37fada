package dev.kleiber.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A text cut into words for matching: lower-case, split on anything that is not a letter or digit and at
 * camelCase boundaries (so {@code PaymentProcessor} reads as two words), each word also reduced to a stem.
 * Words inside quotation marks are dropped: {@code Rename the 'Pay' tab} talks about a label, not about
 * payments. Stemming only removes inflection (plural, -ed, -ing, final e) and spells British forms the
 * American way, so {@code authorized}, {@code authorizes} and {@code authorise} meet {@code authorize}
 * while {@code display}, {@code payload} and {@code author} stay themselves.
 */
record Tokens(List<String> words, List<String> stems) {

    private static final Map<String, String> SPELLING = Map.of(
            "colour", "color", "colours", "colors", "behaviour", "behavior", "behaviours", "behaviors",
            "favour", "favor", "honour", "honor", "labour", "labor", "catalogue", "catalog");

    private static final String[][] BRITISH_ENDINGS = {{"isations", "izations"}, {"isation", "ization"},
            {"ising", "izing"}, {"ised", "ized"}, {"ises", "izes"}, {"iser", "izer"}, {"ise", "ize"}};

    Tokens {
        words = List.copyOf(words);
        stems = List.copyOf(stems);
    }

    int size() {
        return words.size();
    }

    static Tokens of(String text) {
        List<String> words = new ArrayList<>();
        List<String> stems = new ArrayList<>();
        String unquoted = withoutQuotedText(text);
        int length = unquoted.length();
        int i = 0;
        while (i < length) {
            char c = unquoted.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                i++;
                continue;
            }
            StringBuilder word = new StringBuilder();
            while (i < length) {
                char d = unquoted.charAt(i);
                if (Character.isLetterOrDigit(d)) {
                    if (!word.isEmpty() && Character.isUpperCase(d) && Character.isLowerCase(word.charAt(word.length() - 1))) {
                        break;
                    }
                    word.append(d);
                    i++;
                } else if (d == '\'' && i + 1 < length && Character.isLetter(unquoted.charAt(i + 1)) && !word.isEmpty()) {
                    i++;
                } else if (d == '-' && i + 1 < length && Character.isLetter(unquoted.charAt(i + 1))
                        && word.toString().equalsIgnoreCase("non")) {
                    // "non-destructive" is one word, the opposite of "destructive": it must not match it
                    i++;
                } else {
                    break;
                }
            }
            String lower = word.toString().toLowerCase(Locale.ROOT);
            words.add(lower);
            stems.add(stem(lower));
        }
        return new Tokens(words, stems);
    }

    /** A quote opens after a space or the start and closes before a non-letter; apostrophes in words stay. */
    private static String withoutQuotedText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (isQuote(c) && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))) {
                int close = closingQuote(text, i + 1);
                if (close > 0) {
                    out.append(' ');
                    i = close + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static int closingQuote(String text, int from) {
        for (int j = from; j < text.length(); j++) {
            if (isQuote(text.charAt(j)) && (j + 1 == text.length() || !Character.isLetter(text.charAt(j + 1)))) {
                return j > from ? j : -1;
            }
        }
        return -1;
    }

    private static boolean isQuote(char c) {
        return c == '\'' || c == '"' || c == '\u2018' || c == '\u2019' || c == '\u201C' || c == '\u201D';
    }

    static String stem(String lowerWord) {
        String w = SPELLING.getOrDefault(lowerWord, lowerWord);
        if (w.length() <= 3 || !Character.isLetter(w.charAt(w.length() - 1))) {
            return w;
        }
        w = americanSpelling(w);
        if (w.endsWith("ies") && w.length() > 4) {
            w = w.substring(0, w.length() - 3) + "y";
        } else if (w.endsWith("ied") && w.length() > 4) {
            w = w.substring(0, w.length() - 3) + "y";
        } else if (w.endsWith("es") && endsWithSibilant(w.substring(0, w.length() - 2))) {
            w = w.substring(0, w.length() - 2);
        } else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            w = w.substring(0, w.length() - 1);
        }
        if (w.endsWith("ing") && w.length() - 3 >= 3) {
            w = undouble(w.substring(0, w.length() - 3));
        } else if (w.endsWith("ed") && w.length() - 2 >= 3) {
            w = undouble(w.substring(0, w.length() - 2));
        }
        if (w.endsWith("e") && w.length() > 4) {
            w = w.substring(0, w.length() - 1);
        }
        return w;
    }

    private static String americanSpelling(String w) {
        if (w.length() <= 5) {
            return w;
        }
        for (String[] pair : BRITISH_ENDINGS) {
            if (w.endsWith(pair[0])) {
                return w.substring(0, w.length() - pair[0].length()) + pair[1];
            }
        }
        return w;
    }

    private static boolean endsWithSibilant(String w) {
        return w.endsWith("s") || w.endsWith("x") || w.endsWith("z") || w.endsWith("ch") || w.endsWith("sh");
    }

    private static String undouble(String w) {
        int n = w.length();
        if (n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && "bdgmnprt".indexOf(w.charAt(n - 1)) >= 0) {
            return w.substring(0, n - 1);
        }
        return w;
    }
}
