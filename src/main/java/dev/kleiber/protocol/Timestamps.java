package dev.kleiber.protocol;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Optional;

/** ISO-8601 timestamps with an offset, written with seconds always present so that a file reads back equal. */
final class Timestamps {
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendPattern("HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendOffsetId()
            .toFormatter();

    private Timestamps() {
    }

    /** {@code 2025-01-09T14:30:00Z}, {@code 2025-01-09T15:30:00+01:00}: the offset as written in the file. */
    public static String format(OffsetDateTime time) {
        return FORMAT.format(time);
    }

    static Optional<OffsetDateTime> parse(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
