package dev.kleiber.protocol;


/** A {@code ## heading} section the blueprint does not define, kept with its markdown body so that rendering gives it back. */
public record Section(String heading, String body) {
    public Section {
        heading = Text.line(heading);
        body = Text.block(body);
    }
}
