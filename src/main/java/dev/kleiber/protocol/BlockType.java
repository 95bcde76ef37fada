package dev.kleiber.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Why an agent is blocked, as the blueprint's closed set names it. */
public enum BlockType {
    MERGE_CONFLICT, DEPENDENCY, UNCLEAR_REQUIREMENTS, TECHNICAL;

    /** The name written in files: {@code merge_conflict}, {@code dependency}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code text}, in any case. */
    public static Optional<BlockType> parse(String text) {
        return Arrays.stream(values()).filter(t -> t.id().equalsIgnoreCase(text.strip())).findFirst();
    }

    static String choices() {
        return Arrays.stream(values()).map(BlockType::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id();
    }
}
