package dev.kleiber.protocol;

import java.util.Objects;

/** What is wrong with a protocol file, at which line (1-based), written for the person who will fix it. */
public record Problem(int line, String message) {
    public Problem {
        Objects.requireNonNull(message, "message");
        if (line < 1) {
            throw new IllegalArgumentException("line numbers start at 1: " + line);
        }
    }

    @Override
    public String toString() {
        return "line " + line + ": " + message;
    }
}
