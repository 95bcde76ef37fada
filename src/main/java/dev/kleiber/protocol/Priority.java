package dev.kleiber.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A task's priority: p0 is the most urgent. */
public enum Priority {
    P0, P1, P2;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The priority named {@code text}, in any case. */
    public static Optional<Priority> parse(String text) {
        return Arrays.stream(values()).filter(p -> p.id().equalsIgnoreCase(text.strip())).findFirst();
    }

    /** "p0, p1, p2" — for error messages. */
    public static String choices() {
        return String.join(", ", Arrays.stream(values()).map(Priority::id).toList());
    }

    @Override
    public String toString() {
        return id();
    }
}
