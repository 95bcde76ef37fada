package dev.kleiber.llm.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Prompt caching as the Messages API does it, for the fake. The prompt is a sequence of blocks in the order
 * tools, system, messages; each block's prefix is identified by a cumulative hash (model, then every block so
 * far). A request reads from cache the longest prefix that an earlier request cached, looking back from each
 * of its {@code cache_control} breakpoints over at most {@value #LOOKBACK_BLOCKS} blocks; it writes the prefix
 * up to each later breakpoint (billed at that breakpoint's TTL) when the prefix reaches the minimum cacheable
 * length; the rest is uncached input. Tokens are a deterministic function of text: a block's JSON
 * (without {@code cache_control}) has ceil(chars / 4) tokens.
 */
public final class PromptCache {

    /** The API looks for earlier cache entries this many blocks back from a breakpoint. */
    public static final int LOOKBACK_BLOCKS = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final long minCacheableTokens;
    private final Map<String, Instant> entries = new HashMap<>();
    private long input;
    private long cacheRead;
    private long cacheWrite;

    public PromptCache(Clock clock, long minCacheableTokens) {
        this.clock = clock;
        this.minCacheableTokens = minCacheableTokens;
    }

    /** Token count of a piece of text, as the fake counts it. */
    public static long tokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }

    /** The input tokens of a request body as {@code POST /v1/messages/count_tokens} reports them; nothing is cached. */
    public static long count(JsonNode request) {
        return units(request).stream().mapToLong(unit -> tokens(unit.text())).sum();
    }

    /** Accounts one request body: what it reads from cache, writes to it, and sends uncached. */
    public synchronized FakeUsage account(JsonNode request) {
        List<Unit> units = units(request);
        int n = units.size();
        long[] prefixTokens = new long[n];
        String[] hashes = new String[n];
        MessageDigest digest = sha256();
        digest.update(request.path("model").asText().getBytes(StandardCharsets.UTF_8));
        long total = 0;
        for (int i = 0; i < n; i++) {
            Unit unit = units.get(i);
            total += tokens(unit.text());
            prefixTokens[i] = total;
            digest.update(unit.text().getBytes(StandardCharsets.UTF_8));
            hashes[i] = HexFormat.of().formatHex(cloneDigest(digest).digest());
        }
        Instant now = clock.instant();
        entries.values().removeIf(expiry -> !expiry.isAfter(now));

        int hit = -1;
        for (int b = 0; b < n; b++) {
            if (units.get(b).ttl() == null) {
                continue;
            }
            for (int j = b; j >= Math.max(0, b - LOOKBACK_BLOCKS + 1); j--) {
                if (j > hit && entries.containsKey(hashes[j])) {
                    hit = j;
                    break;
                }
            }
        }
        long read = hit >= 0 ? prefixTokens[hit] : 0;
        if (hit >= 0) {
            refresh(hashes[hit], units.get(hit).ttl() == null ? Duration.ofMinutes(5) : units.get(hit).ttl(), now);
        }

        long write5m = 0;
        long write1h = 0;
        int covered = hit;
        for (int b = hit + 1; b < n; b++) {
            Duration ttl = units.get(b).ttl();
            if (ttl == null || prefixTokens[b] < minCacheableTokens) {
                continue;
            }
            long segment = prefixTokens[b] - (covered >= 0 ? prefixTokens[covered] : 0);
            if (ttl.equals(Duration.ofHours(1))) {
                write1h += segment;
            } else {
                write5m += segment;
            }
            refresh(hashes[b], ttl, now);
            covered = b;
        }
        long uncached = total - (covered >= 0 ? prefixTokens[covered] : 0);
        input += uncached;
        cacheRead += read;
        cacheWrite += write5m + write1h;
        return new FakeUsage(uncached, 0, write5m, write1h, read);
    }

    /** Input tokens of every request accounted so far: uncached, read from cache, written to cache. */
    public synchronized FakeUsage totals() {
        return new FakeUsage(input, 0, cacheWrite, 0, cacheRead);
    }

    private void refresh(String hash, Duration ttl, Instant now) {
        entries.merge(hash, now.plus(ttl), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** A block of the prompt: its canonical text and, when it is a breakpoint, its TTL (else null). */
    private record Unit(String text, Duration ttl) {
    }

    private static List<Unit> units(JsonNode request) {
        List<Unit> units = new ArrayList<>();
        request.path("tools").forEach(tool -> units.add(unit("tool", tool)));
        JsonNode system = request.path("system");
        if (system.isTextual()) {
            units.add(new Unit("system:" + system.asText(), null));
        } else {
            system.forEach(block -> units.add(unit("system", block)));
        }
        request.path("messages").forEach(message -> {
            String role = message.path("role").asText();
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                units.add(new Unit(role + ":" + content.asText(), null));
            } else {
                content.forEach(block -> units.add(unit(role, block)));
            }
        });
        return units;
    }

    private static Unit unit(String where, JsonNode block) {
        JsonNode cacheControl = block.path("cache_control");
        Duration ttl = null;
        if (cacheControl.isObject()) {
            ttl = "1h".equals(cacheControl.path("ttl").asText("5m")) ? Duration.ofHours(1) : Duration.ofMinutes(5);
        }
        ObjectNode copy = ((ObjectNode) block).deepCopy();
        copy.remove("cache_control");
        try {
            return new Unit(where + ":" + JSON.writeValueAsString(copy), ttl);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest cloneDigest(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
