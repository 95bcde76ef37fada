package dev.kleiber.server;

import dev.kleiber.KleiberException;
import dev.kleiber.store.Database;
import dev.kleiber.store.Store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's tokens. A secret ({@code kl_} and 43 characters of 256 random bits) is shown once when created; the
 * store keeps its SHA-256 only. A slow password hash is not needed: the secret is random, not chosen by a person,
 * so its hash cannot be guessed backwards, and a lookup by hash stays one indexed read per request. Creating and revoking
 * one is recorded, with who did it, in the same transaction — the server's audit trail (events of no run), alike
 * whether {@code kleiber token} or the API did it.
 */
public final class ApiTokens {
    public static final String PREFIX = "kl_";
    public static final String CREATED_EVENT = "api.token.created";
    public static final String REVOKED_EVENT = "api.token.revoked";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern SECRET = Pattern.compile("kl_[A-Za-z0-9_-]{43}");
    private static final Pattern EXPIRES = Pattern.compile("(\\d{1,4})([hd])");

    /** A token just made, with the secret that is never shown again. */
    public record Created(ApiToken token, String secret) {
    }

    private final Store store;
    private final Database database;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiTokens(Store store, Clock clock) {
        this.store = store;
        this.database = store.database();
        this.clock = clock;
    }

    /** Makes a token; {@code by} (who asked: a token's name, or a person at a terminal) is recorded with it. */
    public Created create(String name, Scope scope, Optional<Duration> expiresIn, String by) {
        if (!NAME.matcher(name).matches()) {
            throw KleiberException.badInput("a token name must be 1-64 of a-z, 0-9, '.', '_' and '-', starting with a "
                    + "letter or digit; found '" + name + "'");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Optional<Instant> expires = expiresIn.map(now::plus);
        database.write(tx -> {
            if (tx.one("SELECT name FROM api_tokens WHERE name = ?", rs -> rs.getString(1), name).isPresent()) {
                throw KleiberException.badInput("a token named '" + name + "' exists; revoke it first or choose another name");
            }
            tx.update("INSERT INTO api_tokens (name, secret_hash, scope, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                    name, hash(secret), scope.id(), now.toEpochMilli(), expires.map(Instant::toEpochMilli).orElse(null));
            store.events().append(tx, "", "", CREATED_EVENT, name + " (" + scope.id() + ") by " + by);
            return null;
        });
        return new Created(new ApiToken(name, scope, now, expires, Optional.empty()), secret);
    }

    public List<ApiToken> list() {
        return database.read(tx -> tx.query("SELECT name, scope, created_ms, expires_ms, revoked_ms "
                + "FROM api_tokens ORDER BY name", ApiTokens::token));
    }

    /**
     * Revokes the token: it stops working at once, on every server on the store, and its sessions end. {@code by} is
     * recorded with it.
     */
    public void revoke(String name, String by) {
        database.write(tx -> {
            int changed = tx.update("UPDATE api_tokens SET revoked_ms = ? WHERE name = ? AND revoked_ms IS NULL",
                    clock.millis(), name);
            if (changed == 0) {
                boolean exists = tx.one("SELECT name FROM api_tokens WHERE name = ?", rs -> rs.getString(1), name).isPresent();
                throw exists ? KleiberException.badInput("the token '" + name + "' is already revoked")
                        : KleiberException.badInput("no token named '" + name + "'; `kleiber token list` shows them");
            }
            tx.update("DELETE FROM api_sessions WHERE token_name = ?", name);
            store.events().append(tx, "", "", REVOKED_EVENT, name + " by " + by);
            return null;
        });
    }

    /** The token whose secret this is, if it exists and is neither revoked nor expired. */
    public Optional<ApiToken> authenticate(String secret) {
        if (!SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return database.read(tx -> tx.one("SELECT name, scope, created_ms, expires_ms, revoked_ms "
                + "FROM api_tokens WHERE secret_hash = ?", ApiTokens::token, hash(secret))).filter(t -> t.usableAt(now));
    }

    /** The token named, if usable now: what a session stands on. */
    public Optional<ApiToken> usable(String name) {
        Instant now = clock.instant();
        return database.read(tx -> tx.one("SELECT name, scope, created_ms, expires_ms, revoked_ms "
                + "FROM api_tokens WHERE name = ?", ApiTokens::token, name)).filter(t -> t.usableAt(now));
    }

    /** {@code 30d} or {@code 12h}: how long a new token lasts. */
    public static Duration expiry(String text) {
        java.util.regex.Matcher m = EXPIRES.matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw KleiberException.badInput("expires must be a number of days or hours such as 30d or 12h; found '"
                    + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("d") ? Duration.ofDays(n) : Duration.ofHours(n);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static ApiToken token(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString(1), Scope.parse(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3)),
                instant(rs, 4), instant(rs, 5));
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }
}
