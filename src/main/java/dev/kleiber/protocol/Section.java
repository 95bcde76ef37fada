package dev.kleiber.protocol;

import java.util.Objects;

/** A {@code ## heading} section the blueprint does not define, kept with its markdown body so that rendering gives it back. */
public record Section(String heading, String body) {
    public Section {
        Objects.requireNonNull(heading, "heading");
        Objects.requireNonNull(body, "body");
    }
}
