package dev.kleiber.server;

import dev.kleiber.store.Database;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Failed authentication per client address, in the store so every replica counts together: {@code failures} within
 * the lockout period lock the address out for that period. A success clears the count.
 */
public final class AuthLockout {
    private final Database database;
    private final Clock clock;
    private final int failures;
    private final Duration period;

    public AuthLockout(Database database, Clock clock, int failures, Duration period) {
        this.database = database;
        this.clock = clock;
        this.failures = failures;
        this.period = period;
    }

    /** How long {@code address} is still locked out, if it is. */
    public Optional<Duration> lockedFor(String address) {
        long now = clock.millis();
        return database.read(tx -> tx.one("SELECT locked_until FROM api_auth_failures WHERE address = ?",
                rs -> rs.getLong(1), address)).filter(until -> until > now).map(until -> Duration.ofMillis(until - now));
    }

    /** Counts a failure; returns the lockout it started, if this one reached the limit. */
    public Optional<Duration> failed(String address) {
        long now = clock.millis();
        return database.write(tx -> {
            tx.update("INSERT INTO api_auth_failures (address, failures, first_ms, locked_until) VALUES (?, 0, ?, 0) "
                    + "ON CONFLICT (address) DO NOTHING", address, now);
            tx.update("UPDATE api_auth_failures SET failures = CASE WHEN first_ms < ? THEN 1 ELSE failures + 1 END, "
                    + "first_ms = CASE WHEN first_ms < ? THEN ? ELSE first_ms END WHERE address = ?",
                    now - period.toMillis(), now - period.toMillis(), now, address);
            long count = tx.number("SELECT failures FROM api_auth_failures WHERE address = ?", address);
            if (count >= failures) {
                tx.update("UPDATE api_auth_failures SET locked_until = ?, failures = 0, first_ms = ? WHERE address = ?",
                        now + period.toMillis(), now, address);
                return Optional.of(period);
            }
            return Optional.<Duration>empty();
        });
    }

    public void succeeded(String address) {
        database.write(tx -> tx.update("DELETE FROM api_auth_failures WHERE address = ? AND locked_until <= ?",
                address, clock.millis()));
    }

    public int limit() {
        return failures;
    }
}
