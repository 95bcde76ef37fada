package dev.kleiber.server;

import java.time.Instant;
import java.util.Optional;

/** A token as the store keeps it: never its secret, only what it may do and until when. */
public record ApiToken(String name, Scope scope, Instant createdAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }
}
