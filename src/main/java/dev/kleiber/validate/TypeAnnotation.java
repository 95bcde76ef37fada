package dev.kleiber.validate;

/**
 * The end of a TypeScript type annotation in code whose strings and comments are blanked: a return type such as
 * {@code : Promise<{ tags: string[] }>} or {@code : { ok: boolean } | null}. A brace where a type is expected
 * (after the colon, {@code |}, {@code &}, {@code <} or {@code ,}) opens an object type; a brace after a complete
 * type opens the function's body.
 */
final class TypeAnnotation {
    private TypeAnnotation() {
    }

    /** {@code colon} is the annotation's colon; returns the offset of the body's brace, the arrow, or a {@code ;}/{@code =}. */
    static int end(String code, int colon) {
        int n = code.length();
        int i = colon + 1;
        boolean expectType = true;
        while (i < n) {
            char c = code.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '=' && i + 1 < n && code.charAt(i + 1) == '>') {
                if (expectType) {
                    // a function type's arrow: (a: A) => B
                    i += 2;
                    continue;
                }
                return i;
            } else if (c == '{') {
                if (!expectType) {
                    return i;
                }
                i = close(code, i);
                expectType = false;
            } else if (c == '(' || c == '[') {
                i = close(code, i);
                // after (a: A) a function type's arrow follows; after a tuple or a parenthesised type, the body may
                expectType = c == '(' && nextIsArrow(code, i);
            } else if (c == '<') {
                i = closeAngle(code, i);
                expectType = false;
            } else if (c == '|' || c == '&' || c == ',' || c == '.' || c == '?' || c == ':') {
                expectType = true;
                i++;
            } else if (c == ';' || c == '=' || c == ')' || c == '}') {
                return i;
            } else if (Character.isJavaIdentifierPart(c)) {
                while (i < n && Character.isJavaIdentifierPart(code.charAt(i))) {
                    i++;
                }
                expectType = false;
            } else {
                i++;
            }
        }
        return n;
    }

    private static boolean nextIsArrow(String code, int from) {
        int i = from;
        while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
            i++;
        }
        return i + 1 < code.length() && code.charAt(i) == '=' && code.charAt(i + 1) == '>';
    }

    /** The offset after the bracket that closes the one at {@code open}, nested brackets of any kind skipped. */
    private static int close(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        return code.length();
    }

    /** After the {@code >} matching the {@code <} at {@code open}; an arrow's {@code >} does not count. */
    private static int closeAngle(String code, int open) {
        int angles = 0;
        int brackets = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                brackets++;
            } else if (c == ')' || c == ']' || c == '}') {
                brackets--;
            } else if (c == '<' && brackets == 0) {
                angles++;
            } else if (c == '>' && brackets == 0 && code.charAt(i - 1) != '=') {
                if (--angles == 0) {
                    return i + 1;
                }
            } else if (c == ';' && brackets == 0) {
                return i;
            }
        }
        return code.length();
    }
}
