package dev.kleiber.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases of processes and workers. A lease lives until {@code expiresAt}; its holder keeps it alive with
 * {@link #heartbeat}. A lease that expired is gone for good: heartbeats and fenced writes under it are refused
 * even before anyone else takes over.
 */
public final class Leases {
    private final Database database;
    private final Clock clock;

    Leases(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** A lease without a subject, for a process: budget reservations belong to it and expire with it. */
    public Lease acquire(String holder, Duration ttl) {
        return database.write(tx -> insert(tx, holder, Optional.empty(), 1, ttl));
    }

    /**
     * The lease on {@code subject} (e.g. {@code merge:REMOTE}), if no one holds it live: an expired holder's lease is
     * taken over with the next fence. Exactly one process holds a subject at a time — an election by lease.
     */
    public Optional<Lease> tryAcquire(String subject, String holder, Duration ttl) {
        return database.write(tx -> {
            long now = clock.millis();
            Optional<Lease> current = tx.one("SELECT id, holder, subject, fence, expires_ms FROM leases WHERE subject = ?"
                    + (tx.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : ""), Leases::map, subject);
            if (current.isPresent() && current.get().expiresAt().toEpochMilli() > now) {
                return Optional.<Lease>empty();
            }
            long fence = current.map(l -> l.fence() + 1).orElse(1L);
            tx.update("DELETE FROM leases WHERE subject = ?", subject);
            return Optional.of(insert(tx, holder, Optional.of(subject), fence, ttl));
        });
    }

    Lease insert(Tx tx, String holder, Optional<String> subject, long fence, Duration ttl) throws SQLException {
        long now = clock.millis();
        long expires = now + ttl.toMillis();
        String id = UUID.randomUUID().toString();
        tx.update("INSERT INTO leases (id, holder, subject, fence, acquired_ms, heartbeat_ms, expires_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, holder, subject.orElse(null), fence, now, now, expires);
        return new Lease(id, holder, subject, fence, Instant.ofEpochMilli(expires));
    }

    /** Extends {@code lease} by {@code ttl} from now. */
    public Lease heartbeat(Lease lease, Duration ttl) {
        return database.write(tx -> {
            long now = clock.millis();
            long expires = now + ttl.toMillis();
            int updated = tx.update("UPDATE leases SET heartbeat_ms = ?, expires_ms = ? "
                    + "WHERE id = ? AND fence = ? AND expires_ms > ?", now, expires, lease.id(), lease.fence(), now);
            if (updated != 1) {
                throw new LeaseLostException("lease " + lease.id() + " of " + lease.holder()
                        + " has expired or was taken over; its work must stop");
            }
            return new Lease(lease.id(), lease.holder(), lease.subject(), lease.fence(), Instant.ofEpochMilli(expires));
        });
    }

    /** Ends {@code lease}; what was held under it (reservations) is released with it. */
    public void release(Lease lease) {
        database.write(tx -> tx.update("DELETE FROM leases WHERE id = ? AND fence = ?", lease.id(), lease.fence()));
    }

    /**
     * Ends, as of now, every live lease whose holder {@code holders} proves dead (a process of this machine that
     * was killed): what it held — tasks, budget reservations — is free at once instead of when the lease would
     * have expired. Returns the leases ended.
     */
    public List<Lease> expireDeadHolders(LeaseHolder holders) {
        return database.write(tx -> {
            long now = clock.millis();
            List<Lease> dead = new ArrayList<>();
            for (Lease lease : tx.query("SELECT id, holder, subject, fence, expires_ms FROM leases WHERE expires_ms > ?",
                    Leases::map, now)) {
                if (holders.isProvablyDead(lease.holder())) {
                    tx.update("UPDATE leases SET expires_ms = ? WHERE id = ? AND fence = ?", now, lease.id(), lease.fence());
                    dead.add(lease);
                }
            }
            return dead;
        });
    }

    public Optional<Lease> find(String id) {
        return database.read(tx -> tx.one(
                "SELECT id, holder, subject, fence, expires_ms FROM leases WHERE id = ?", Leases::map, id));
    }

    /** Whether {@code lease} is still the live lease it was. Checked inside fenced writes. */
    boolean isLive(Tx tx, Lease lease) throws SQLException {
        return tx.one("SELECT id FROM leases WHERE id = ? AND fence = ? AND expires_ms > ?",
                rs -> rs.getString(1), lease.id(), lease.fence(), clock.millis()).isPresent();
    }

    static Lease map(ResultSet rs) throws SQLException {
        return new Lease(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)));
    }
}
