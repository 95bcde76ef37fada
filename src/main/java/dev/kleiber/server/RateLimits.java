package dev.kleiber.server;

import dev.kleiber.store.Database;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Token buckets in the store, one per token and kind of request ({@code read:NAME}, {@code write:NAME}): every
 * server replica on one PostgreSQL store draws from the same bucket. A take is one short transaction that locks the
 * bucket's row, refills it for the time passed, and takes one request or says when the next one will be allowed.
 */
public final class RateLimits {
    private final Database database;
    private final Clock clock;

    public RateLimits(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Takes one request from {@code bucket}, which holds {@code perMinute} at most and refills at that rate. Empty when
     * allowed; else how long until a request will be.
     */
    public Optional<Duration> take(String bucket, int perMinute) {
        long now = clock.millis();
        double ratePerMs = perMinute / 60_000.0;
        return database.write(tx -> {
            tx.update("INSERT INTO api_buckets (bucket, tokens, updated_ms) VALUES (?, ?, ?) ON CONFLICT (bucket) DO NOTHING",
                    bucket, (double) perMinute, now);
            // an UPDATE takes the row lock on PostgreSQL before the read below; SQLite's writer already holds the file
            tx.update("UPDATE api_buckets SET updated_ms = updated_ms WHERE bucket = ?", bucket);
            double[] row = tx.one("SELECT tokens, updated_ms FROM api_buckets WHERE bucket = ?",
                    rs -> new double[] {rs.getDouble(1), rs.getLong(2)}, bucket).orElseThrow();
            double tokens = Math.min(perMinute, row[0] + Math.max(0, now - (long) row[1]) * ratePerMs);
            if (tokens >= 1) {
                tx.update("UPDATE api_buckets SET tokens = ?, updated_ms = ? WHERE bucket = ?", tokens - 1, now, bucket);
                return Optional.<Duration>empty();
            }
            tx.update("UPDATE api_buckets SET tokens = ?, updated_ms = ? WHERE bucket = ?", tokens, now, bucket);
            return Optional.of(Duration.ofMillis((long) Math.ceil((1 - tokens) / ratePerMs)));
        });
    }
}
