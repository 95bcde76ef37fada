package dev.kleiber.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** One line of a done file's Files Changed list: {@code - path/to/file.ts (created)}. */
public record FileChange(String path, Change change) {
    public FileChange {
        path = Text.line(path);
        Objects.requireNonNull(change, "change");
    }

    /** What happened to the file. */
    public enum Change {
        CREATED, MODIFIED, DELETED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Change> parse(String text) {
            return Arrays.stream(values()).filter(c -> c.id().equalsIgnoreCase(text.strip())).findFirst();
        }

        @Override
        public String toString() {
            return id();
        }
    }
}
