package dev.kleiber.validate;

import java.util.Locale;
import java.util.Optional;

/** What a rule's findings do: fail lint and validation ({@code error}), only show ({@code warn}), or nothing ({@code off}). */
public enum Severity {
    ERROR, WARN, OFF;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "error" -> Optional.of(ERROR);
            case "warn", "warning" -> Optional.of(WARN);
            case "off" -> Optional.of(OFF);
            default -> Optional.empty();
        };
    }
}
