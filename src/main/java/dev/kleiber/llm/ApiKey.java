package dev.kleiber.llm;

import java.util.Objects;

/**
 * An Anthropic API key. Deliberately not a record: its {@link #toString()} never shows the key, so
 * it cannot leak through a log line, an exception message or the printout of a settings record.
 */
final class ApiKey {
    private final String value;

    public ApiKey(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("an API key cannot be blank");
        }
        this.value = value.strip();
    }

    /** The key itself, for the one place that sends it: the SDK client. */
    String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of the key replaced, for messages that quote an outside party. */
    String redactFrom(String text) {
        return text.replace(value, "[redacted]");
    }

    @Override
    public String toString() {
        return "ApiKey[redacted]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
