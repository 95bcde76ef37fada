package dev.kleiber.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/** Reads how long the API asks a client to wait: {@code retry-after-ms}, else {@code retry-after} in seconds or as an HTTP-date. */
final class RetryAfter {

    private RetryAfter() {
    }

    /** @param header the first value of a response header by (case-insensitive) name, if present */
    static Optional<Duration> parse(Function<String, Optional<String>> header, Instant now) {
        Optional<Duration> millis = header.apply("retry-after-ms").flatMap(RetryAfter::parseMillis);
        if (millis.isPresent()) {
            return millis;
        }
        return header.apply("retry-after").flatMap(value -> parseSeconds(value).or(() -> parseHttpDate(value, now)));
    }

    private static Optional<Duration> parseMillis(String value) {
        try {
            double ms = Double.parseDouble(value.strip());
            return ms >= 0 && Double.isFinite(ms) ? Optional.of(Duration.ofNanos((long) (ms * 1_000_000))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> parseSeconds(String value) {
        try {
            double seconds = Double.parseDouble(value.strip());
            return seconds >= 0 && Double.isFinite(seconds)
                    ? Optional.of(Duration.ofMillis((long) (seconds * 1000)))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> parseHttpDate(String value, Instant now) {
        try {
            Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
