package dev.kleiber.server;

import dev.kleiber.store.Database;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Dashboard sessions: a token exchanged for an HttpOnly cookie. The store keeps the session id's hash (a stolen
 * database does not hand out live cookies) and the CSRF token the dashboard sends back on every state change. Kept in
 * the store so a session opened on one server replica works on the other.
 */
public final class Sessions {
    /** A session just opened: the cookie value and the CSRF token. */
    public record Opened(String id, String csrf) {
    }

    /** A live session. */
    public record Session(String tokenName, String csrf) {
    }

    private final Database database;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();

    public Sessions(Database database, Clock clock, Duration ttl) {
        this.database = database;
        this.clock = clock;
        this.ttl = ttl;
    }

    public Opened open(String tokenName) {
        String id = randomText();
        String csrf = randomText();
        long now = clock.millis();
        database.write(tx -> {
            tx.update("DELETE FROM api_sessions WHERE expires_ms < ?", now);
            tx.update("INSERT INTO api_sessions (id_hash, token_name, csrf, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                    ApiTokens.hash(id), tokenName, csrf, now, now + ttl.toMillis());
            return null;
        });
        return new Opened(id, csrf);
    }

    public Optional<Session> find(String id) {
        long now = clock.millis();
        return database.read(tx -> tx.one("SELECT token_name, csrf FROM api_sessions WHERE id_hash = ? AND expires_ms > ?",
                rs -> new Session(rs.getString(1), rs.getString(2)), ApiTokens.hash(id), now));
    }

    public void close(String id) {
        database.write(tx -> tx.update("DELETE FROM api_sessions WHERE id_hash = ?", ApiTokens.hash(id)));
    }

    public Duration ttl() {
        return ttl;
    }

    private String randomText() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
