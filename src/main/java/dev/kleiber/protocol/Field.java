package dev.kleiber.protocol;


/** A {@code Label: value} line the blueprint does not define, kept so that rendering gives it back. */
record Field(String name, String value) {
    public Field {
        name = Text.line(name);
        value = Text.line(value);
    }
}
