package dev.kleiber.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A time-limited right to act: on a task ({@code subject} {@code task:RUN/TASK}) or, without a subject, for a
 * process that holds budget reservations. {@code fence} is the fencing version every guarded write presents.
 */
public record Lease(String id, String holder, Optional<String> subject, long fence, Instant expiresAt) {
}
