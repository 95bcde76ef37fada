package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.ledger.TokenUsage;

/**
 * Token usage read from the Messages API's wire format: the {@code usage} object of a message, of
 * {@code message_start} or of {@code message_delta} (whose counts are cumulative and replace earlier ones).
 */
final class WireUsage {
    private long input;
    private long output;
    private long cacheWrite5m;
    private long cacheWrite1h;
    private long cacheRead;

    /** Takes what {@code usage} states; fields it leaves out keep their earlier values. */
    void take(JsonNode usage) {
        if (!usage.isObject()) {
            return;
        }
        input = count(usage, "input_tokens", input);
        output = count(usage, "output_tokens", output);
        cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
        JsonNode creation = usage.path("cache_creation");
        long written = count(usage, "cache_creation_input_tokens", cacheWrite5m + cacheWrite1h);
        if (creation.isObject()) {
            cacheWrite1h = count(creation, "ephemeral_1h_input_tokens", cacheWrite1h);
            cacheWrite5m = count(creation, "ephemeral_5m_input_tokens", Math.max(0, written - cacheWrite1h));
        } else {
            cacheWrite1h = Math.min(cacheWrite1h, written);
            cacheWrite5m = written - cacheWrite1h;
        }
    }

    TokenUsage usage() {
        return new TokenUsage(input, output, cacheWrite5m, cacheWrite1h, cacheRead);
    }

    private static long count(JsonNode node, String field, long otherwise) {
        JsonNode value = node.path(field);
        return value.canConvertToLong() && value.asLong() >= 0 ? value.asLong() : otherwise;
    }
}
