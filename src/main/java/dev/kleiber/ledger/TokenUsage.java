package dev.kleiber.ledger;

/**
 * Token counts of one LLM call as the API reported them. {@code input} excludes cache traffic,
 * as in the Messages API's {@code usage.input_tokens}.
 */
public record TokenUsage(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0);

    public TokenUsage {
        if (input < 0 || output < 0 || cacheWrite5m < 0 || cacheWrite1h < 0 || cacheRead < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    public static TokenUsage of(long input, long output) {
        return new TokenUsage(input, output, 0, 0, 0);
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(input + other.input, output + other.output, cacheWrite5m + other.cacheWrite5m,
                cacheWrite1h + other.cacheWrite1h, cacheRead + other.cacheRead);
    }

    /** Every input token the model saw: uncached, written to cache and read from cache. */
    public long totalInput() {
        return input + cacheWrite5m + cacheWrite1h + cacheRead;
    }
}
