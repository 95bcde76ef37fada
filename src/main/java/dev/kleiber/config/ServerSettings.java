package dev.kleiber.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code server:} section of kleiber.yaml: where {@code kleiber serve} listens, its rate limits and lockout,
 * CORS, and whom it tells when work waits for a person.
 *
 * @param publicUrl     the address people open, used in notification links (default {@code http://BIND:PORT})
 * @param readsPerMinute  a token's read requests per minute (token bucket, bursts up to the same number)
 * @param writesPerMinute a token's state-changing requests per minute
 * @param lockoutFailures failed authentications from one address before it is locked out
 * @param lockout         how long a locked-out address is refused
 * @param corsOrigins     origins allowed to call the API from a browser (none: no CORS headers at all)
 * @param metricsAuth     whether {@code /metrics} needs a read token
 * @param sessionTtl      how long a dashboard session lasts
 * @param keepAlive       how long a quiet event stream waits before a keep-alive comment (proxies close idle ones)
 * @param trustedProxies  peers whose {@code X-Forwarded-For} names the client for the lockout (none: the header is
 *                        ignored, every request is counted against the address it comes from)
 */
public record ServerSettings(String bind, int port, Optional<String> publicUrl, int readsPerMinute, int writesPerMinute,
                             int lockoutFailures, Duration lockout, List<String> corsOrigins, boolean metricsAuth,
                             Duration sessionTtl, Notify notifications, Duration keepAlive,
                             List<AddressRange> trustedProxies) {
    public static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    public static final ServerSettings DEFAULTS = new ServerSettings("127.0.0.1", 8420, Optional.empty(), 600, 60, 10,
            Duration.ofMinutes(15), List.of(), false, Duration.ofHours(12), Notify.NONE);

    public ServerSettings {
        corsOrigins = List.copyOf(corsOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Settings that trust no proxy. */
    public ServerSettings(String bind, int port, Optional<String> publicUrl, int readsPerMinute, int writesPerMinute,
                          int lockoutFailures, Duration lockout, List<String> corsOrigins, boolean metricsAuth,
                          Duration sessionTtl, Notify notifications, Duration keepAlive) {
        this(bind, port, publicUrl, readsPerMinute, writesPerMinute, lockoutFailures, lockout, corsOrigins, metricsAuth,
                sessionTtl, notifications, keepAlive, List.of());
    }

    /** Settings with the default keep-alive interval. */
    public ServerSettings(String bind, int port, Optional<String> publicUrl, int readsPerMinute, int writesPerMinute,
                          int lockoutFailures, Duration lockout, List<String> corsOrigins, boolean metricsAuth,
                          Duration sessionTtl, Notify notifications) {
        this(bind, port, publicUrl, readsPerMinute, writesPerMinute, lockoutFailures, lockout, corsOrigins, metricsAuth,
                sessionTtl, notifications, KEEP_ALIVE);
    }

    /**
     * Whom to tell when a task awaits review, the conductor asks a question or the budget pauses.
     *
     * @param webhook          a URL that receives a JSON POST signed with HMAC-SHA256 ({@code X-Kleiber-Signature})
     * @param webhookSecretEnv the environment variable holding the HMAC secret (never the secret itself in the file)
     * @param ntfy             an ntfy-style topic URL that receives a plain-text POST
     */
    public record Notify(Optional<String> webhook, Optional<String> webhookSecretEnv, Optional<String> ntfy) {
        public static final Notify NONE = new Notify(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The base URL links point at. */
    public String baseUrl() {
        return publicUrl.orElse("http://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port);
    }
}
