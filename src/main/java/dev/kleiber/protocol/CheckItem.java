package dev.kleiber.protocol;

import java.util.Objects;

/** One checklist line, {@code - [ ] text} or {@code - [x] text}. */
public record CheckItem(String text, boolean done) {
    public CheckItem {
        Objects.requireNonNull(text, "text");
    }
}
