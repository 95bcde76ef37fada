package dev.kleiber.protocol;

import java.util.Objects;

/** A {@code Label: value} line the blueprint does not define, kept so that rendering gives it back. */
public record Field(String name, String value) {
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
