package dev.kleiber.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code kleiber worker} processes on this store: each registers itself, heartbeats while it lives and
 * deregisters when it stops. A worker whose heartbeat lapsed is dead, whether or not its row was removed: its
 * claims' leases lapse with it and its tasks go to others.
 */
public final class Workers {
    /** A worker as registered (with the remote whose runs it claims), with the tasks it holds now ({@code run/task}). */
    public record WorkerRecord(String holder, String host, long pid, int slots, Set<String> tags, String remote,
                               Instant startedAt, Instant heartbeatAt, Instant expiresAt, List<String> claims) {
        public WorkerRecord {
            tags = Set.copyOf(tags);
            claims = List.copyOf(claims);
        }
    }

    private final Database database;
    private final Clock clock;

    Workers(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Registers (or re-registers) the worker {@code holder} of {@code remote}'s runs, alive for {@code ttl}. */
    public void register(String holder, String host, long pid, int slots, Set<String> tags, String remote, Duration ttl) {
        long now = clock.millis();
        String tagList = String.join(",", new TreeSet<>(tags));
        database.write(tx -> {
            tx.update("DELETE FROM workers WHERE holder = ?", holder);
            return tx.update("INSERT INTO workers (holder, host, pid, slots, tags, remote, started_ms, heartbeat_ms, "
                    + "expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", holder, host, pid, slots, tagList, remote, now, now,
                    now + ttl.toMillis());
        });
    }

    /** Extends the worker's life by {@code ttl}; false when its row is gone (it was declared dead and removed). */
    public boolean heartbeat(String holder, Duration ttl) {
        long now = clock.millis();
        return database.write(tx -> tx.update("UPDATE workers SET heartbeat_ms = ?, expires_ms = ? WHERE holder = ?",
                now, now + ttl.toMillis(), holder)) == 1;
    }

    public void deregister(String holder) {
        database.write(tx -> tx.update("DELETE FROM workers WHERE holder = ?", holder));
    }

    /**
     * Removes what dead processes left behind: worker rows whose heartbeat lapsed, budget reservations whose lease
     * lapsed (the ledger already counts them for nothing), and lapsed leases no task points at (a killed worker's
     * process lease, a claim whose task went back to the queue, an old merge lease). A task's fence lives in its own
     * row, so a stale holder's write is refused all the same. Returns the rows removed.
     */
    public int sweep() {
        long now = clock.millis();
        return database.write(tx -> tx.update("DELETE FROM workers WHERE expires_ms <= ?", now)
                + tx.update("DELETE FROM reservations WHERE NOT EXISTS "
                + "(SELECT 1 FROM leases l WHERE l.id = reservations.lease_id AND l.expires_ms > ?)", now)
                + tx.update("DELETE FROM leases WHERE expires_ms <= ? AND NOT EXISTS "
                + "(SELECT 1 FROM tasks t WHERE t.lease_id = leases.id)", now));
    }

    /** The workers alive now, by host then holder, each with the tasks it holds under a live lease. */
    public List<WorkerRecord> live() {
        long now = clock.millis();
        return database.read(tx -> {
            Map<String, List<String>> claims = new HashMap<>();
            tx.query("SELECT l.holder, t.run_id, t.id FROM tasks t JOIN leases l ON l.id = t.lease_id "
                    + "WHERE l.expires_ms > ? ORDER BY t.run_id, t.id", rs -> claims.computeIfAbsent(rs.getString(1),
                    h -> new ArrayList<>()).add(rs.getString(2) + "/" + rs.getString(3)), now);
            return tx.query("SELECT holder, host, pid, slots, tags, remote, started_ms, heartbeat_ms, expires_ms "
                    + "FROM workers WHERE expires_ms > ? ORDER BY host, holder", rs -> new WorkerRecord(rs.getString(1),
                    rs.getString(2), rs.getLong(3), rs.getInt(4), Tasks.tagsOf(rs.getString(5)), rs.getString(6),
                    Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
                    Instant.ofEpochMilli(rs.getLong(9)), claims.getOrDefault(rs.getString(1), List.of())), now);
        });
    }

    /**
     * The tag sets of the live workers of {@code remote} (a worker row whose heartbeat has not expired, as the
     * {@code kleiber_workers_live} gauge counts them): what a run of that remote can have its tasks claimed by now.
     */
    public List<Set<String>> liveTagsOf(String remote) {
        return database.read(tx -> tx.query("SELECT tags FROM workers WHERE remote = ? AND expires_ms > ?",
                rs -> Tasks.tagsOf(rs.getString(1)), remote, clock.millis()));
    }

    /**
     * Whether a live worker of {@code remote} can take one of the ready tasks whose {@code needs} (one tag set each)
     * are given: false when none is alive, or none offers every tag of any of them. True when nothing is ready.
     */
    public boolean canTakeAny(List<Set<String>> needs, String remote) {
        return needs.isEmpty() || liveTagsOf(remote).stream().anyMatch(offered -> needs.stream().anyMatch(offered::containsAll));
    }

    /** The command that starts a worker for {@code remote} offering {@code tags}: what a run waiting for one says. */
    public static String startCommand(String remote, Set<String> tags) {
        return "kleiber worker --remote " + remote + (tags.isEmpty() ? "" : " --tags " + String.join(",", new TreeSet<>(tags)));
    }

    /** Who holds each leased task of {@code runId} (task id to holder), for status. */
    public Map<String, String> holders(String runId) {
        return database.read(tx -> {
            Map<String, String> out = new TreeMap<>();
            tx.query("SELECT t.id, l.holder FROM tasks t JOIN leases l ON l.id = t.lease_id WHERE t.run_id = ? "
                    + "AND t.state IN ('running', 'validating')", rs -> out.put(rs.getString(1), rs.getString(2)), runId);
            return out;
        });
    }
}
