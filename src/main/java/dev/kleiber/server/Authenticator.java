package dev.kleiber.server;

import dev.kleiber.config.ServerSettings;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Who is calling, and whether they may: a Bearer token or the session cookie (with its CSRF token on state changes),
 * the route's scope, the lockout of addresses that keep failing to authenticate, and the token's rate limits. Runs
 * before every matched route that names what it {@link Needs}; routes that need nothing are public.
 */
final class Authenticator {
    static final String COOKIE = "kleiber_session";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final ApiTokens tokens;
    private final Sessions sessions;
    private final AuthLockout lockout;
    private final RateLimits limits;
    private final ServerSettings settings;

    Authenticator(ApiTokens tokens, Sessions sessions, AuthLockout lockout, RateLimits limits, ServerSettings settings) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.lockout = lockout;
        this.limits = limits;
        this.settings = settings;
    }

    void check(Context ctx) {
        Optional<Needs> needs = ctx.routeRoles().stream().filter(Needs.class::isInstance).map(Needs.class::cast).findFirst();
        if (needs.isEmpty() || ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        Caller caller = authenticate(ctx);
        if (!caller.scope().includes(needs.get().scope())) {
            throw new ApiProblem(403, "Forbidden", "the token '" + caller.name() + "' has scope " + caller.scope().id()
                    + "; this needs " + needs.get().scope().id() + " (`kleiber token create --scope "
                    + needs.get().scope().id() + "`)");
        }
        boolean write = needs.get().write() || !(ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD);
        String bucket = (write ? "write:" : "read:") + caller.name();
        limits.take(bucket, write ? settings.writesPerMinute() : settings.readsPerMinute()).ifPresent(wait -> {
            throw new ApiProblem(429, "Too many requests", "the token '" + caller.name() + "' may make "
                    + (write ? settings.writesPerMinute() + " state-changing" : settings.readsPerMinute() + " read")
                    + " requests a minute; try again in " + ApiProblem.seconds(wait) + " s", Optional.of(wait));
        });
        ctx.attribute(Caller.ATTRIBUTE, caller);
    }

    /** Where the request comes from, as the lockout counts it: the peer, or the client a trusted proxy names. */
    String clientAddress(Context ctx) {
        return ClientAddress.of(ctx.ip(), Optional.ofNullable(ctx.header("X-Forwarded-For")), settings.trustedProxies());
    }

    /** The caller, or a 401 (counted against the address) or 429 (the address is locked out). */
    Caller authenticate(Context ctx) {
        String address = clientAddress(ctx);
        lockout.lockedFor(address).ifPresent(this::lockedOut);
        String header = ctx.header("Authorization");
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw failed(address, "the Authorization header must be 'Bearer kl_...'");
            }
            Optional<ApiToken> token = tokens.authenticate(header.substring(7).strip());
            if (token.isEmpty()) {
                throw failed(address, "the token is unknown, revoked or expired");
            }
            lockout.succeeded(address);
            return new Caller(token.get().name(), token.get().scope(), false);
        }
        String cookie = ctx.cookie(COOKIE);
        if (cookie != null) {
            Optional<Sessions.Session> session = sessions.find(cookie);
            Optional<ApiToken> token = session.flatMap(s -> tokens.usable(s.tokenName()));
            if (token.isEmpty()) {
                throw failed(address, "the session has ended or its token was revoked; sign in again");
            }
            // signing out needs no CSRF token: a forged sign-out harms nobody, and the dashboard may have lost it
            boolean signOut = ctx.method() == HandlerType.DELETE && ctx.path().equals(ApiServer.API + "/session");
            boolean safe = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD || signOut;
            if (!safe && !sameSecret(session.get().csrf(), ctx.header(CSRF_HEADER))) {
                throw new ApiProblem(403, "Forbidden", "a state-changing request with the session cookie must carry the "
                        + "header " + CSRF_HEADER + " with the csrf value of POST/GET " + ApiServer.API + "/session");
            }
            return new Caller(token.get().name(), token.get().scope(), true);
        }
        throw new ApiProblem(401, "Unauthorized", "send 'Authorization: Bearer kl_...' (create a token with `kleiber token "
                + "create --name NAME --scope read`) or sign in at POST " + ApiServer.API + "/session");
    }

    /** A sign-in attempt that failed: counted against the address like a bad token. */
    ApiProblem failed(String address, String why) {
        Optional<Duration> locked = lockout.failed(address);
        if (locked.isPresent()) {
            return lockedOutProblem(locked.get());
        }
        return new ApiProblem(401, "Unauthorized", why + "; after " + lockout.limit()
                + " failures this address is locked out for a while");
    }

    void checkNotLockedOut(String address) {
        lockout.lockedFor(address).ifPresent(this::lockedOut);
    }

    void succeeded(String address) {
        lockout.succeeded(address);
    }

    private void lockedOut(Duration wait) {
        throw lockedOutProblem(wait);
    }

    private ApiProblem lockedOutProblem(Duration wait) {
        return new ApiProblem(429, "Locked out", "too many failed authentications from this address; it is locked out "
                + "for " + ApiProblem.seconds(wait) + " s more", Optional.of(wait));
    }

    /**
     * CORS headers only for the origins kleiber.yaml lists; none at all by default. No credentials: a page on another
     * origin calls with a Bearer token, never with the session cookie (which is SameSite=Strict anyway).
     */
    void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && settings.corsOrigins().contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID, " + CSRF_HEADER);
            ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE");
            ctx.header("Access-Control-Expose-Headers", "Location, Retry-After");
        }
    }

    /**
     * An {@code OPTIONS} request: a browser's preflight from a listed origin gets 204 with the headers {@link #cors}
     * set; from any other origin a 403 problem without them, so the browser refuses the call.
     */
    void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && ctx.header("Access-Control-Request-Method") != null) {
            if (!settings.corsOrigins().contains(origin)) {
                throw new ApiProblem(403, "Forbidden", "cross-origin requests from '" + origin + "' are not allowed: "
                        + "kleiber.yaml's server.cors_origins lists the origins that may call this API");
            }
            ctx.header("Access-Control-Max-Age", "600");
        }
        ctx.header("Allow", "GET, POST, DELETE, OPTIONS");
        ctx.status(204);
    }

    private static boolean sameSecret(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("a route that needs a caller ran without one: " + ctx.path());
        }
        return caller;
    }
}
