package dev.kleiber.routing;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The three Claude model tiers, cheapest first. */
public enum Tier {
    HAIKU, SONNET, OPUS;

    /** The lower-case name used in files and output: {@code opus}, {@code sonnet}, {@code haiku}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tier named {@code text} (any case, surrounding spaces ignored). */
    public static Optional<Tier> parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.id().equals(wanted)).findFirst();
    }

    /** "opus, sonnet, haiku" — for error messages. */
    public static String choices() {
        return Stream.of(OPUS, SONNET, HAIKU).map(Tier::id).collect(Collectors.joining(", "));
    }

    /** The next tier up, or this one when it is already the top. */
    public Tier up() {
        return this == OPUS ? OPUS : values()[ordinal() + 1];
    }

    public boolean isAtLeast(Tier other) {
        return compareTo(other) >= 0;
    }

    public static Tier max(Tier a, Tier b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return id();
    }
}
