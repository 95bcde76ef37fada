package dev.kleiber.llm.fake;

/** Token counts the fake reports in {@code usage}, cache writes split by TTL as the API does. */
public record FakeUsage(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) {

    public FakeUsage withOutput(long outputTokens) {
        return new FakeUsage(input, outputTokens, cacheWrite5m, cacheWrite1h, cacheRead);
    }

    public long cacheWrite() {
        return cacheWrite5m + cacheWrite1h;
    }

    /** All input tokens: uncached, written and read. */
    public long totalInput() {
        return input + cacheWrite() + cacheRead;
    }
}
