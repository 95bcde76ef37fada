package dev.kleiber.validate;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Source text with comments (and optionally string contents) replaced by spaces, so that regular
 * expressions see only code. Every other character, newlines included, keeps its offset, so a match's
 * offset gives its line in the original file.
 */
final class SourceText {
    private final String text;
    private final int[] lineStarts;

    private SourceText(String text) {
        this.text = text;
        this.lineStarts = lineStarts(text);
    }

    String text() {
        return text;
    }

    /** The 1-based line of {@code offset}. */
    int lineOf(int offset) {
        int index = Arrays.binarySearch(lineStarts, offset);
        return (index >= 0 ? index : -index - 2) + 1;
    }

    /**
     * JavaScript or TypeScript with comments blanked; with {@code blankStrings}, the contents of string,
     * template and regular-expression literals too (their delimiters stay, so {@code fetch('')} keeps its shape).
     */
    static SourceText javaScript(String source, boolean blankStrings) {
        char[] out = source.toCharArray();
        int n = out.length;
        // Brace depths at which an open template literal's ${...} started; the template resumes at its closing brace.
        Deque<Integer> templates = new ArrayDeque<>();
        int braces = 0;
        char previous = '\n';
        int i = 0;
        while (i < n) {
            char c = source.charAt(i);
            char next = i + 1 < n ? source.charAt(i + 1) : '\0';
            if (c == '/' && next == '/') {
                int end = indexOrEnd(source, '\n', i);
                blank(out, i, end);
                i = end;
            } else if (c == '/' && next == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(out, i, end);
                i = end;
            } else if (c == '\'' || c == '"') {
                int end = endOfQuoted(source, i, c);
                if (blankStrings) {
                    blank(out, i + 1, Math.max(i + 1, end - 1));
                }
                i = end;
                previous = c;
            } else if (c == '`') {
                i = template(source, out, i + 1, blankStrings, templates, braces);
                previous = '`';
            } else if (c == '/' && startsRegex(previous)) {
                int end = endOfRegex(source, i);
                if (blankStrings) {
                    blank(out, i + 1, Math.max(i + 1, end - 1));
                }
                i = end;
                previous = '/';
            } else if (c == '}' && !templates.isEmpty() && templates.peek() == braces) {
                templates.pop();
                i = template(source, out, i + 1, blankStrings, templates, braces);
                previous = '`';
            } else {
                if (c == '{') {
                    braces++;
                } else if (c == '}') {
                    braces--;
                }
                if (!Character.isWhitespace(c)) {
                    previous = c;
                }
                i++;
            }
        }
        return new SourceText(new String(out));
    }

    /** Scans template text from {@code i}; returns the offset after the closing backtick, or after a {@code ${}. */
    private static int template(String source, char[] out, int i, boolean blankStrings, Deque<Integer> templates, int braces) {
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '\\') {
                if (blankStrings) {
                    blank(out, i, Math.min(n, i + 2));
                }
                i += 2;
            } else if (c == '`') {
                return i + 1;
            } else if (c == '$' && i + 1 < n && source.charAt(i + 1) == '{') {
                templates.push(braces);
                return i + 2;
            } else {
                if (blankStrings && c != '\n') {
                    out[i] = ' ';
                }
                i++;
            }
        }
        return n;
    }

    /** A slash starts a regular expression, not a division, after an operator or an opening bracket. */
    private static boolean startsRegex(char previous) {
        return "(,=:[!&|?{};+-*%<>~^\n".indexOf(previous) >= 0;
    }

    private static int endOfRegex(String source, int start) {
        boolean inClass = false;
        for (int i = start + 1; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\n') {
                return i;
            } else if (c == '\\') {
                i++;
            } else if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '/' && !inClass) {
                return i + 1;
            }
        }
        return source.length();
    }

    /** The offset after the closing quote of a JavaScript string, or the end of its line if unterminated. */
    private static int endOfQuoted(String source, int start, char quote) {
        for (int i = start + 1; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            } else if (c == '\n') {
                return i;
            }
        }
        return source.length();
    }

    /**
     * SQL with comments, the contents of string literals and dollar-quoted bodies blanked. Quoted
     * identifiers ({@code "x"}, {@code `x`}, {@code [x]}) stay: they are names.
     */
    static SourceText sql(String source) {
        char[] out = source.toCharArray();
        int n = out.length;
        int i = 0;
        while (i < n) {
            char c = source.charAt(i);
            char next = i + 1 < n ? source.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                int end = indexOrEnd(source, '\n', i);
                blank(out, i, end);
                i = end;
            } else if (c == '/' && next == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(out, i, end);
                i = end;
            } else if (c == '\'') {
                int end = i + 1;
                while (end < n) {
                    if (source.charAt(end) == '\'') {
                        if (end + 1 < n && source.charAt(end + 1) == '\'') {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                blank(out, i + 1, Math.min(end, n));
                i = Math.min(end + 1, n);
            } else if (c == '"' || c == '`') {
                int end = source.indexOf(c, i + 1);
                i = end < 0 ? n : end + 1;
            } else if (c == '$' && (i == 0 || !isWordChar(source.charAt(i - 1)))) {
                int tagEnd = i + 1;
                while (tagEnd < n && isWordChar(source.charAt(tagEnd)) && source.charAt(tagEnd) != '$') {
                    tagEnd++;
                }
                if (tagEnd < n && source.charAt(tagEnd) == '$') {
                    String tag = source.substring(i, tagEnd + 1);
                    int close = source.indexOf(tag, tagEnd + 1);
                    int end = close < 0 ? n : close + tag.length();
                    blank(out, i, end);
                    i = end;
                } else {
                    i++;
                }
            } else {
                i++;
            }
        }
        return new SourceText(new String(out));
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static int indexOrEnd(String source, char c, int from) {
        int index = source.indexOf(c, from);
        return index < 0 ? source.length() : index;
    }

    /** Spaces over {@code [from, to)}, keeping line breaks so offsets and lines stay true. */
    private static void blank(char[] out, int from, int to) {
        for (int i = from; i < to && i < out.length; i++) {
            if (out[i] != '\n' && out[i] != '\r') {
                out[i] = ' ';
            }
        }
    }

    private static int[] lineStarts(String text) {
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        int[] starts = new int[count];
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts[line++] = i + 1;
            }
        }
        return starts;
    }
}
