package dev.kleiber.protocol;


/** One checklist line, {@code - [ ] text} or {@code - [x] text}. */
public record CheckItem(String text, boolean done) {
    public CheckItem {
        text = Text.line(text);
    }
}
