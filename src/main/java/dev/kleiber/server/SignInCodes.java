package dev.kleiber.server;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time sign-in codes the server process hands out (to {@code kleiber demo --serve}, which prints a link with one):
 * each opens one dashboard session as the token it names, once, within five minutes. Kept in this process only: a
 * code is used on the server that printed it.
 */
public final class SignInCodes {
    static final Duration TTL = Duration.ofMinutes(5);
    private static final int MAX_OUTSTANDING = 100;

    private record Pending(String tokenName, Instant expires) {
    }

    private final Clock clock;
    private final Map<String, Pending> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public SignInCodes(Clock clock) {
        this.clock = clock;
    }

    /** A new code that signs in as {@code tokenName}. */
    public String issue(String tokenName) {
        Instant now = clock.instant();
        codes.values().removeIf(p -> !p.expires().isAfter(now));
        if (codes.size() >= MAX_OUTSTANDING) {
            throw new IllegalStateException("more than " + MAX_OUTSTANDING + " sign-in codes are outstanding");
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String code = java.util.HexFormat.of().formatHex(bytes);
        codes.put(code, new Pending(tokenName, now.plus(TTL)));
        return code;
    }

    /** The token name the code signs in as; the code is spent either way. */
    public Optional<String> redeem(String code) {
        Pending pending = codes.remove(code);
        return pending == null || !pending.expires().isAfter(clock.instant()) ? Optional.empty()
                : Optional.of(pending.tokenName());
    }
}
