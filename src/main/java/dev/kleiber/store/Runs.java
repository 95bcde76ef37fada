package dev.kleiber.store;

import dev.kleiber.KleiberException;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Runs: one feature request carried from plan to merge. */
public final class Runs {
    /** The state of a run stopped for good ({@link Tasks#cancelRun}): none of its tasks runs again. */
    public static final String CANCELLED = "cancelled";
    /** A run as stored; {@code state} is the conductor's word for it (active, finished, cancelled). */
    public record RunRecord(String id, String request, String state, Instant createdAt) {
    }

    private final Database database;
    private final Clock clock;
    private final Events events;

    Runs(Database database, Clock clock, Events events) {
        this.database = database;
        this.clock = clock;
        this.events = events;
    }

    /** Marks run {@code runId} as one whose tasks the {@code kleiber worker} processes of {@code remote} run. */
    public void remote(Tx tx, String runId, String remote) throws SQLException {
        tx.update("UPDATE runs SET remote = ? WHERE id = ?", remote, runId);
    }

    /** The remote the workers of run {@code runId} push to; empty for a run its conductor runs in its own checkout. */
    public Optional<String> remoteOf(String runId) {
        return database.read(tx -> tx.one("SELECT remote FROM runs WHERE id = ?", rs -> rs.getString(1), runId))
                .filter(remote -> !remote.isEmpty());
    }

    public RunRecord create(String id, String request) {
        return create(id, request, tx -> null);
    }

    /**
     * Creates the run and, in the same transaction, what {@code with} records along with it (its plan, its tasks):
     * a crash leaves either all of it or none, never a run that cannot be resumed.
     */
    public RunRecord create(String id, String request, Database.Work<?> with) {
        long now = clock.millis();
        database.write(tx -> {
            if (tx.one("SELECT id FROM runs WHERE id = ?", rs -> rs.getString(1), id).isPresent()) {
                throw KleiberException.badInput("run '" + id + "' already exists");
            }
            tx.update("INSERT INTO runs (id, request, state, created_ms, updated_ms) VALUES (?, ?, 'active', ?, ?)",
                    id, request, now, now);
            events.append(tx, id, "", "run.created", request);
            with.run(tx);
            return null;
        });
        return new RunRecord(id, request, "active", Instant.ofEpochMilli(now));
    }

    public Optional<RunRecord> find(String id) {
        return database.read(tx -> tx.one("SELECT id, request, state, created_ms FROM runs WHERE id = ?",
                Runs::map, id));
    }

    public List<RunRecord> all() {
        return database.read(tx -> tx.query("SELECT id, request, state, created_ms FROM runs ORDER BY created_ms, id",
                Runs::map));
    }

    /** The runs whose ready tasks a worker claims ({@code Tasks.CLAIMABLE_RUN}), oldest first: ids only. */
    public List<String> claimable() {
        return database.read(tx -> tx.query("SELECT r.id FROM runs r WHERE " + Tasks.CLAIMABLE_RUN
                + " ORDER BY r.created_ms, r.id", rs -> rs.getString(1)));
    }

    /** Records where the run stands; a cancelled run stays cancelled, whatever a process that follows it says. */
    public void setState(String id, String state) {
        database.write(tx -> {
            if (tx.update("UPDATE runs SET state = ?, updated_ms = ? WHERE id = ? AND state <> ?", state, clock.millis(), id,
                    CANCELLED) != 1) {
                if (tx.one("SELECT id FROM runs WHERE id = ?", rs -> rs.getString(1), id).isPresent()) {
                    return null;
                }
                throw KleiberException.badInput("no run '" + id + "' in the store");
            }
            events.append(tx, id, "", "run." + state, "");
            return null;
        });
    }

    private static RunRecord map(java.sql.ResultSet rs) throws SQLException {
        return new RunRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }
}
