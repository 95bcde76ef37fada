package dev.kleiber.store;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tasks and their state machine. A task in {@code running} or {@code validating} is held under a lease: only a
 * write presenting that lease's fencing version, while the lease is live, may move it on. A zombie worker whose
 * lease expired or was re-granted gets a {@link LeaseLostException}.
 */
public final class Tasks implements TaskQueue {
    /** A ready task: none of the tasks it depends on is unmerged. */
    private static final String NO_UNMERGED_DEPENDENCY = "NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks u "
            + "ON u.run_id = d.run_id AND u.id = d.depends_on "
            + "WHERE d.run_id = t.run_id AND d.task_id = t.id AND u.state <> 'merged')";
    /** How many ready tasks one claim of any run looks at: enough that a few locked or tag-bound ones are passed. */
    private static final int CANDIDATES = 64;

    /** What a new task is: its id, agent, routed tier and the tasks it waits for (in the same run). */
    public record NewTask(String id, String agent, Tier tier, List<String> dependsOn) {
        public NewTask {
            dependsOn = List.copyOf(dependsOn);
        }
    }

    private static final String COLUMNS = "run_id, id, agent, tier, state, fence, lease_id, attempts";

    private final Database database;
    private final Clock clock;
    private final Events events;

    Tasks(Database database, Clock clock, Events events) {
        this.database = database;
        this.clock = clock;
        this.events = events;
    }

    /** Adds tasks to a run, all {@code planned}; dependencies may point at any task of the batch. */
    public void add(String runId, List<NewTask> tasks) {
        database.write(tx -> {
            add(tx, runId, tasks);
            return null;
        });
    }

    /** {@link #add(String, List)} inside the caller's transaction. */
    public void add(Tx tx, String runId, List<NewTask> tasks) throws SQLException {
        long now = clock.millis();
        for (NewTask task : tasks) {
            tx.update("INSERT INTO tasks (run_id, id, agent, tier, state, fence, attempts, updated_ms) "
                    + "VALUES (?, ?, ?, ?, 'planned', 0, 0, ?)", runId, task.id(), task.agent(), task.tier().id(), now);
            events.append(tx, runId, task.id(), "task.planned", task.agent() + " on " + task.tier().id());
        }
        for (NewTask task : tasks) {
            for (String dependency : task.dependsOn()) {
                tx.update("INSERT INTO task_dependencies (run_id, task_id, depends_on) VALUES (?, ?, ?)",
                        runId, task.id(), dependency);
            }
        }
    }

    /**
     * Grows a run's plan while it runs, in one transaction: adds {@code tasks} (planned), makes existing tasks also
     * wait for the tasks named in {@code dependencies}, and records {@code eventKind}/{@code eventDetail} (the
     * revised plan) with them, so a crash never leaves tasks the recorded plan does not know.
     */
    public void extend(String runId, List<NewTask> tasks, Map<String, List<String>> dependencies,
                       String eventKind, String eventDetail) {
        database.write(tx -> {
            add(tx, runId, tasks);
            for (Map.Entry<String, List<String>> entry : dependencies.entrySet()) {
                require(tx, runId, entry.getKey());
                for (String dependency : entry.getValue()) {
                    require(tx, runId, dependency);
                    tx.update("INSERT INTO task_dependencies (run_id, task_id, depends_on) VALUES (?, ?, ?)",
                            runId, entry.getKey(), dependency);
                    events.append(tx, runId, entry.getKey(), "task.depends_on", dependency);
                }
            }
            events.append(tx, runId, "", eventKind, eventDetail);
            return null;
        });
    }

    public Optional<TaskRecord> find(String runId, String taskId) {
        return database.read(tx -> find(tx, runId, taskId));
    }

    /** Every task of the run, by id: two queries whatever the run's size, since the conductor and the board poll it. */
    public List<TaskRecord> ofRun(String runId) {
        return database.read(tx -> {
            Map<String, List<String>> deps = new HashMap<>();
            tx.query("SELECT task_id, depends_on FROM task_dependencies WHERE run_id = ? ORDER BY task_id, depends_on",
                    rs -> deps.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(rs.getString(2)), runId);
            return tx.query("SELECT " + COLUMNS + " FROM tasks WHERE run_id = ? ORDER BY id",
                    rs -> map(rs, deps.getOrDefault(rs.getString(2), List.of())), runId);
        });
    }

    /**
     * The tasks of every run that wait for a person (awaiting review, or blocked), oldest run first, then by id:
     * work an earlier run left waiting must not drop out of sight when a new run starts. Without dependencies.
     */
    public List<TaskRecord> waitingForPerson() {
        return database.read(tx -> tx.query("SELECT " + COLUMNS + " FROM tasks WHERE state IN ('awaiting_review', 'blocked') "
                + "ORDER BY (SELECT r.created_ms FROM runs r WHERE r.id = tasks.run_id), run_id, id",
                rs -> map(rs, List.of())));
    }

    /** The tasks waiting for a person in runs other than {@code shownRun}, by run, oldest run first. */
    public Map<String, List<TaskRecord>> waitingForPersonElsewhere(String shownRun) {
        Map<String, List<TaskRecord>> byRun = new java.util.LinkedHashMap<>();
        for (TaskRecord task : waitingForPerson()) {
            if (!task.runId().equals(shownRun)) {
                byRun.computeIfAbsent(task.runId(), run -> new ArrayList<>()).add(task);
            }
        }
        byRun.replaceAll((run, tasks) -> List.copyOf(tasks));
        return byRun;
    }

    /** Where every task of the run stands, by id: one narrow query, for a scheduler polling at every dispatch. */
    public Map<String, TaskState> states(String runId) {
        return database.read(tx -> {
            Map<String, TaskState> states = new HashMap<>();
            tx.query("SELECT id, state FROM tasks WHERE run_id = ?",
                    rs -> states.put(rs.getString(1), TaskState.fromStore(rs.getString(2))), runId);
            return states;
        });
    }

    /** How many tasks of the run are at work under a lease of another holder than {@code holder}. */
    public int heldByOthers(String runId, String holder) {
        return database.read(tx -> (int) tx.number("SELECT COUNT(*) FROM tasks t JOIN leases l ON l.id = t.lease_id "
                + "WHERE t.run_id = ? AND t.state IN ('running', 'validating') AND l.holder <> ?", runId, holder));
    }

    /**
     * Moves a task that no worker holds (planned, queued, awaiting review, blocked) to {@code target}. A task
     * under a lease moves only through {@link #transition(Claim, TaskState, String)}.
     */
    public TaskRecord transition(String runId, String taskId, TaskState target, String reason) {
        return database.write(tx -> {
            TaskRecord task = require(tx, runId, taskId);
            if (task.state().isLeased()) {
                throw new LeaseLostException("task " + runId + "/" + taskId + " is " + task.state()
                        + " under a worker's lease; only that worker's fenced write can move it");
            }
            Optional<Lease> approving = liveLease(tx, task);
            if (approving.isPresent()) {
                throw new LeaseLostException("task " + runId + "/" + taskId + " is being approved by "
                        + approving.get().holder() + " (fence " + approving.get().fence() + "); only that approval "
                        + "can move it now");
            }
            return move(tx, task, target, reason);
        });
    }

    /**
     * Takes the fence of a task awaiting review for a person's approval, as a claim takes a ready task's: a lease on
     * {@code task:RUN/TASK} with the task's fence plus one, while the task stays {@code awaiting_review}. A worker that
     * still thinks it holds the task is now stale (its fenced writes are refused), and only this approval may move
     * it on, through {@link #settleReview}. Empty while another approval's lease on it is live; an expired one is
     * taken over.
     */
    public ReviewLease leaseForReview(String runId, String taskId, String holder, Duration ttl) {
        return database.write(tx -> {
            if (tx.dialect() == Dialect.POSTGRESQL) {
                // two approvals of the same task, on two machines, take turns here
                tx.one("SELECT id FROM tasks WHERE run_id = ? AND id = ? FOR UPDATE", rs -> rs.getString(1), runId, taskId);
            }
            TaskRecord task = require(tx, runId, taskId);
            if (task.state() != TaskState.AWAITING_REVIEW) {
                return new ReviewLease.Decided(task.state());
            }
            Optional<Lease> held = liveLease(tx, task);
            if (held.isPresent()) {
                return new ReviewLease.Busy(held.get().holder());
            }
            long fence = task.fence() + 1;
            String subject = "task:" + runId + "/" + taskId;
            tx.update("DELETE FROM leases WHERE subject = ?", subject);
            Lease lease = new Leases(database, clock).insert(tx, holder, Optional.of(subject), fence, ttl);
            tx.update("UPDATE tasks SET fence = ?, lease_id = ?, updated_ms = ? WHERE run_id = ? AND id = ?",
                    fence, lease.id(), clock.millis(), runId, taskId);
            events.append(tx, runId, taskId, "task.review_lease", holder + " fence " + fence);
            return new ReviewLease.Taken(new Claim(require(tx, runId, taskId), lease, task.attempts()));
        });
    }

    /** How {@link #leaseForReview} ended: the task's fence taken, another approval's lease live, or already decided. */
    public sealed interface ReviewLease {
        record Taken(Claim review) implements ReviewLease {
        }

        record Busy(String holder) implements ReviewLease {
        }

        record Decided(TaskState state) implements ReviewLease {
        }
    }

    /**
     * Moves a task taken by {@link #leaseForReview} to {@code target} (merged, blocked) and ends that lease, if it is
     * still live and still the task's latest fence; else a {@link LeaseLostException}.
     */
    public TaskRecord settleReview(Claim review, TaskState target, String reason) {
        Lease lease = review.lease();
        return database.write(tx -> {
            if (tx.dialect() == Dialect.POSTGRESQL) {
                // the task's row first, as a cancel and a worker's fenced write lock it
                tx.one("SELECT id FROM tasks WHERE run_id = ? AND id = ? FOR UPDATE", rs -> rs.getString(1),
                        review.task().runId(), review.task().id());
            }
            TaskRecord task = require(tx, review.task().runId(), review.task().id());
            if (task.state() != TaskState.AWAITING_REVIEW || task.fence() != lease.fence()
                    || !new Leases(database, clock).isLive(tx, lease)) {
                throw new LeaseLostException("task " + task.runId() + "/" + task.id() + ": the approval of "
                        + lease.holder() + " (fence " + lease.fence() + ") expired or was superseded (task at fence "
                        + task.fence() + ", " + task.state() + "); the write is refused");
            }
            move(tx, task, target, reason);
            tx.update("UPDATE tasks SET lease_id = NULL WHERE run_id = ? AND id = ?", task.runId(), task.id());
            deleteLease(tx, lease.id());
            return require(tx, task.runId(), task.id());
        });
    }

    /** Ends an approval's lease that moved nothing (the approval was refused): the task awaits review as before. */
    public void endReview(Claim review) {
        database.write(tx -> {
            tx.update("UPDATE tasks SET lease_id = NULL WHERE run_id = ? AND id = ? AND lease_id = ?",
                    review.task().runId(), review.task().id(), review.lease().id());
            return tx.update("DELETE FROM leases WHERE id = ? AND fence = ?", review.lease().id(), review.lease().fence());
        });
    }

    /** The live lease attached to a task that no worker holds: an approval under way. */
    private Optional<Lease> liveLease(Tx tx, TaskRecord task) throws SQLException {
        if (task.leaseId().isEmpty()) {
            return Optional.empty();
        }
        return tx.one("SELECT id, holder, subject, fence, expires_ms FROM leases WHERE id = ? AND expires_ms > ?",
                Leases::map, task.leaseId().get(), clock.millis());
    }

    /**
     * Moves the claimed task to {@code target} if the claim's lease is still live and still the latest one
     * (its fencing version matches the task's). Leaving the leased states ends the lease.
     */
    public TaskRecord transition(Claim claim, TaskState target, String reason) {
        return fenced(claim, target, reason, false);
    }

    /**
     * Moves the claimed task as {@link #transition(Claim, TaskState, String)} does and gives its attempt back: the
     * budget paused it, or its environment stopped it before its agent was called. That is nobody's failure and spends
     * no attempt: the next claim continues the same attempt number (its branch, its ledger session, its
     * {@code Kleiber-Attempt} trailer), however often a resume finds the budget still spent.
     */
    public TaskRecord giveBack(Claim claim, TaskState target, String reason) {
        return fenced(claim, target, reason, true);
    }

    private TaskRecord fenced(Claim claim, TaskState target, String reason, boolean attemptGivenBack) {
        Lease lease = claim.lease();
        try {
            return database.write(tx -> {
                if (tx.dialect() == Dialect.POSTGRESQL) {
                    // the task's row first, as a cancel locks it ({@link #cancelRun}): the two never wait on each other
                    tx.one("SELECT id FROM tasks WHERE run_id = ? AND id = ? FOR UPDATE", rs -> rs.getString(1),
                            claim.task().runId(), claim.task().id());
                }
                TaskRecord task = require(tx, claim.task().runId(), claim.task().id());
                if (task.fence() != lease.fence() || !task.state().isLeased()
                        || !new Leases(database, clock).isLive(tx, lease)) {
                    throw new LeaseLostException("task " + task.runId() + "/" + task.id() + ": the lease of "
                            + lease.holder() + " (fence " + lease.fence() + ") expired or was superseded (task at "
                            + "fence " + task.fence() + ", " + task.state() + "); the write is refused");
                }
                TaskRecord moved = move(tx, task, target, reason);
                if (!attemptGivenBack) {
                    return moved;
                }
                tx.update("UPDATE tasks SET attempts = attempts - 1 WHERE run_id = ? AND id = ? AND attempts > 0",
                        task.runId(), task.id());
                return require(tx, task.runId(), task.id());
            });
        } catch (LeaseLostException e) {
            // recorded in its own transaction: the refused one rolled back
            events.append(claim.task().runId(), claim.task().id(), "task.stale_write_refused",
                    lease.holder() + " fence " + lease.fence() + " wanted " + target.id());
            throw e;
        }
    }

    /** {@link #claim(String, List, String, Set, Duration)} by a claimer that offers no tags. */
    public Optional<Claim> claim(String runId, List<String> chosen, String holder, Duration ttl) {
        return claim(runId, chosen, holder, Set.of(), ttl);
    }

    /**
     * Claims the first task of {@code chosen} (the scheduler's picks, best first) that is still planned or queued with
     * all its dependencies merged and needs no tag beyond {@code tags}: it becomes running (a planned one queued
     * first, in the same transaction, so two conductors never race to queue it) under a new lease whose fencing
     * version is one above the task's last. Empty when none is ready (another process claimed it, or it moved on
     * since it was chosen).
     */
    @Override
    public Optional<Claim> claim(String runId, List<String> chosen, String holder, Set<String> tags, Duration ttl) {
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        return database.write(tx -> {
            for (String id : chosen) {
                Optional<TaskRecord> ready = lockIfReady(tx, runId, id, tags);
                if (ready.isPresent()) {
                    return Optional.of(claim(tx, ready.get(), holder, ttl));
                }
            }
            return Optional.<Claim>empty();
        });
    }

    /**
     * The runs whose ready tasks a worker claims: active ones, and those of a remote that wait (their conductor stopped
     * following: no worker was alive, or only a person could move them). A worker that starts later, or a task a
     * person's approval made ready, goes on without a `kleiber resume`; a paused (budget) or cancelled run does not.
     */
    static final String CLAIMABLE_RUN = "(r.state = 'active' OR (r.state = 'waiting' AND r.remote <> ''))";

    /**
     * {@inheritDoc}
     *
     * <p>On PostgreSQL a claim first locks its run's row, skipping a run another claimer is serving at this moment
     * ({@code FOR UPDATE SKIP LOCKED}): claimers arriving together spread over the runs instead of all taking from the
     * least recently served one. Only when every run with work for it is being served does a claimer wait, for the
     * least recently served, and only while it holds no other run (so no two claimers wait on each other).
     */
    @Override
    public Optional<Claim> claimAny(String holder, String remote, Set<String> tags, Duration ttl) {
        return database.write(tx -> {
            List<String> runs = tx.query("SELECT r.id FROM runs r WHERE " + CLAIMABLE_RUN + " AND r.remote = ? AND EXISTS "
                    + "(SELECT 1 FROM tasks t WHERE t.run_id = r.id AND t.state IN ('planned', 'queued') AND "
                    + NO_UNMERGED_DEPENDENCY + ") ORDER BY r.last_claim_ms, r.created_ms, r.id", rs -> rs.getString(1), remote);
            Optional<String> waitFor = Optional.empty();
            boolean holdsARun = false;
            for (String runId : runs) {
                List<String> fitting = fitting(tx, runId, tags);
                if (fitting.isEmpty()) {
                    continue;
                }
                if (waitFor.isEmpty()) {
                    waitFor = Optional.of(runId);
                }
                if (!lockRun(tx, runId, true)) {
                    continue;
                }
                holdsARun = true;
                Optional<Claim> claim = claimIn(tx, runId, fitting, holder, tags, ttl);
                if (claim.isPresent()) {
                    return claim;
                }
            }
            if (holdsARun || waitFor.isEmpty()) {
                return Optional.<Claim>empty();
            }
            lockRun(tx, waitFor.get(), false);
            return claimIn(tx, waitFor.get(), fitting(tx, waitFor.get(), tags), holder, tags, ttl);
        });
    }

    /** The ready tasks of {@code runId} whose needs {@code tags} meet, in scheduling order (a bounded look). */
    private static List<String> fitting(Tx tx, String runId, Set<String> tags) throws SQLException {
        List<String[]> ready = tx.query("SELECT t.id, t.requires FROM tasks t WHERE t.run_id = ? AND t.state IN "
                + "('planned', 'queued') AND " + NO_UNMERGED_DEPENDENCY + " ORDER BY t.priority, t.id LIMIT " + CANDIDATES,
                rs -> new String[] {rs.getString(1), rs.getString(2)}, runId);
        return ready.stream().filter(task -> tags.containsAll(tagsOf(task[1]))).map(task -> task[0]).toList();
    }

    /**
     * Locks the run's row for this claim; with {@code skipServed}, false when another claimer holds it now. SQLite's
     * write transaction already holds the whole database.
     */
    private static boolean lockRun(Tx tx, String runId, boolean skipServed) throws SQLException {
        if (tx.dialect() != Dialect.POSTGRESQL) {
            return true;
        }
        return tx.one("SELECT id FROM runs WHERE id = ? FOR UPDATE" + (skipServed ? " SKIP LOCKED" : ""),
                rs -> rs.getString(1), runId).isPresent();
    }

    private Optional<Claim> claimIn(Tx tx, String runId, List<String> fitting, String holder, Set<String> tags,
                                    Duration ttl) throws SQLException {
        for (String id : fitting) {
            Optional<TaskRecord> ready = lockIfReady(tx, runId, id, tags);
            if (ready.isPresent()) {
                tx.update("UPDATE runs SET last_claim_ms = ? WHERE id = ?", clock.millis(), runId);
                return Optional.of(claim(tx, ready.get(), holder, ttl));
            }
        }
        return Optional.empty();
    }

    @Override
    public void prioritize(String runId, List<String> order) {
        database.write(tx -> {
            for (int i = 0; i < order.size(); i++) {
                tx.update("UPDATE tasks SET priority = ? WHERE run_id = ? AND id = ? AND priority <> ?",
                        i, runId, order.get(i), i);
            }
            return null;
        });
    }

    /** Makes a task need {@code tags} on the worker that claims it (e.g. {@code node20}). */
    public void require(String runId, String taskId, Set<String> tags) {
        database.write(tx -> {
            require(tx, runId, taskId, tags);
            return null;
        });
    }

    /** {@link #require(String, String, Set)} inside {@code tx}: with the run's creation, before any worker sees it. */
    public void require(Tx tx, String runId, String taskId, Set<String> tags) throws SQLException {
        require(tx, runId, taskId);
        tx.update("UPDATE tasks SET requires = ? WHERE run_id = ? AND id = ?",
                String.join(",", new TreeSet<>(tags)), runId, taskId);
    }

    static Set<String> tagsOf(String column) {
        Set<String> tags = new TreeSet<>();
        for (String tag : column.split(",")) {
            if (!tag.isBlank()) {
                tags.add(tag.strip());
            }
        }
        return tags;
    }

    /**
     * The task, if it is ready and {@code tags} meet its needs, locked for this transaction. On PostgreSQL a row
     * another claimer has locked is skipped, not waited for (its state is re-checked once the lock is ours); on
     * SQLite the transaction already holds the database's write lock.
     */
    private static Optional<TaskRecord> lockIfReady(Tx tx, String runId, String taskId, Set<String> tags) throws SQLException {
        String skipLocked = tx.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE OF t SKIP LOCKED" : "";
        Optional<String> requires = tx.one("SELECT t.requires FROM tasks t WHERE t.run_id = ? AND t.id = ? "
                + "AND t.state IN ('planned', 'queued') AND " + NO_UNMERGED_DEPENDENCY + skipLocked,
                rs -> rs.getString(1), runId, taskId);
        if (requires.isEmpty() || !tags.containsAll(tagsOf(requires.get()))) {
            return Optional.empty();
        }
        return Optional.of(require(tx, runId, taskId));
    }

    private Claim claim(Tx tx, TaskRecord task, String holder, Duration ttl) throws SQLException {
        if (task.state() == TaskState.PLANNED) {
            task = move(tx, task, TaskState.QUEUED, "its dependencies are merged");
        }
        String runId = task.runId();
        long fence = task.fence() + 1;
        String subject = "task:" + runId + "/" + task.id();
        tx.update("DELETE FROM leases WHERE subject = ?", subject);
        Lease lease = new Leases(database, clock).insert(tx, holder, Optional.of(subject), fence, ttl);
        int attempt = task.attempts() + 1;
        long now = clock.millis();
        tx.update("UPDATE tasks SET state = 'running', fence = ?, lease_id = ?, attempts = ?, updated_ms = ? "
                + "WHERE run_id = ? AND id = ?", fence, lease.id(), attempt, now, runId, task.id());
        // an attempt the budget paused is continued under its number: its row is taken up again
        tx.update("INSERT INTO attempts (run_id, task_id, attempt, tier, holder, fence, started_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, task_id, attempt) DO UPDATE SET tier = excluded.tier, "
                + "holder = excluded.holder, fence = excluded.fence, ended_ms = NULL, outcome = NULL",
                runId, task.id(), attempt, task.tier().id(), holder, fence, now);
        events.append(tx, runId, task.id(), "task.running", holder + " attempt " + attempt + " fence " + fence);
        return new Claim(require(tx, runId, task.id()), lease, attempt);
    }

    @Override
    public List<TaskRecord> requeueExpired(String runId) {
        return database.write(tx -> {
            // every worker sweeps: on PostgreSQL a row another sweeper has locked is its to requeue, and a row it
            // requeued before we looked is no longer leased when we read it again under our lock
            String skipLocked = tx.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE OF t SKIP LOCKED" : "";
            List<String> expired = tx.query("SELECT t.id FROM tasks t LEFT JOIN leases l ON l.id = t.lease_id "
                    + "WHERE t.run_id = ? AND t.state IN ('running', 'validating') "
                    + "AND (l.id IS NULL OR l.expires_ms <= ?) ORDER BY t.id" + skipLocked, rs -> rs.getString(1), runId,
                    clock.millis());
            List<TaskRecord> out = new ArrayList<>();
            for (String id : expired) {
                TaskRecord task = require(tx, runId, id);
                if (task.state().isLeased()) {
                    out.add(move(tx, task, TaskState.QUEUED, "lease expired"));
                }
            }
            return out;
        });
    }

    /**
     * Cancels run {@code runId} for good, in one transaction: the run becomes {@link Runs#CANCELLED} (no worker's
     * {@link #claimAny} looks at it again) and every task of it not yet merged, failed or cancelled is cancelled. A
     * task a worker holds loses its lease with it: the holder's next heartbeat is refused (its keeper stops the
     * attempt), and so is any fenced write or check of that claim ({@link #holds}). Empty when there is no such run
     * or it has ended (finished or cancelled already); else the tasks cancelled.
     */
    public Optional<List<TaskRecord>> cancelRun(String runId, String reason) {
        return database.write(tx -> {
            // the run's row first: on PostgreSQL a claimer locks it too, so no claim of this run commits in between
            String lock = tx.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
            Optional<String> state = tx.one("SELECT state FROM runs WHERE id = ?" + lock, rs -> rs.getString(1), runId);
            if (state.isEmpty() || state.get().equals(Runs.CANCELLED) || state.get().equals("finished")) {
                return Optional.<List<TaskRecord>>empty();
            }
            tx.update("UPDATE runs SET state = ?, updated_ms = ? WHERE id = ?", Runs.CANCELLED, clock.millis(), runId);
            events.append(tx, runId, "", "run." + Runs.CANCELLED, reason);
            List<String> open = tx.query("SELECT id FROM tasks WHERE run_id = ? AND state NOT IN ('merged', 'failed', "
                    + "'cancelled') ORDER BY id" + lock, rs -> rs.getString(1), runId);
            List<TaskRecord> cancelled = new ArrayList<>();
            for (String id : open) {
                TaskRecord task = require(tx, runId, id);
                cancelled.add(move(tx, task, TaskState.CANCELLED, reason));
                if (!task.state().isLeased() && task.leaseId().isPresent()) {
                    // a person's approval under way ({@link #leaseForReview}) loses its lease too: it merges nothing
                    deleteLease(tx, task.leaseId().get());
                    tx.update("UPDATE tasks SET lease_id = NULL WHERE run_id = ? AND id = ?", runId, id);
                }
            }
            return Optional.of(List.copyOf(cancelled));
        });
    }

    /**
     * Whether {@code claim} still holds its task: the task is under the claim's lease (a worker's claim, or a person's
     * approval, {@link #leaseForReview}), at its fence, and the lease is live. A worker or an approval asks before
     * each push, so that a task cancelled or taken over meanwhile pushes nothing.
     */
    public boolean holds(Claim claim) {
        return database.read(tx -> {
            Optional<TaskRecord> task = find(tx, claim.task().runId(), claim.task().id());
            return task.isPresent() && task.get().leaseId().equals(Optional.of(claim.lease().id()))
                    && task.get().fence() == claim.lease().fence() && new Leases(database, clock).isLive(tx, claim.lease());
        });
    }

    /**
     * What the ready tasks of {@code runId} (planned or queued, every dependency merged) need of a worker: one tag
     * set each (empty for none), in scheduling order, a bounded look.
     */
    public List<Set<String>> readyNeeds(String runId) {
        return database.read(tx -> tx.query("SELECT t.requires FROM tasks t WHERE t.run_id = ? AND t.state IN "
                + "('planned', 'queued') AND " + NO_UNMERGED_DEPENDENCY + " ORDER BY t.priority, t.id LIMIT " + CANDIDATES,
                rs -> tagsOf(rs.getString(1)), runId));
    }

    /** Changes the tier a task runs on (escalation); takes effect at its next claim. */
    public void changeTier(String runId, String taskId, Tier tier, String reason) {
        database.write(tx -> {
            require(tx, runId, taskId);
            tx.update("UPDATE tasks SET tier = ?, updated_ms = ? WHERE run_id = ? AND id = ?",
                    tier.id(), clock.millis(), runId, taskId);
            events.append(tx, runId, taskId, "task.tier", tier.id() + ": " + reason);
            return null;
        });
    }

    private TaskRecord move(Tx tx, TaskRecord task, TaskState target, String reason) throws SQLException {
        if (!task.state().canMoveTo(target)) {
            throw new IllegalTransitionException("task " + task.runId() + "/" + task.id() + " cannot go from "
                    + task.state() + " to " + target + "; from " + task.state() + " it may go to "
                    + (task.state().next().isEmpty() ? "nothing (it is final)" : task.state().next().toString()));
        }
        long now = clock.millis();
        int moved;
        if (task.state().isLeased() && !target.isLeased()) {
            tx.update("UPDATE attempts SET ended_ms = ?, outcome = ? WHERE run_id = ? AND task_id = ? AND attempt = ?",
                    now, target.id(), task.runId(), task.id(), task.attempts());
            task.leaseId().ifPresent(id -> deleteLease(tx, id));
            moved = tx.update("UPDATE tasks SET state = ?, lease_id = NULL, updated_ms = ? WHERE run_id = ? AND id = ? "
                    + "AND state = ?", target.id(), now, task.runId(), task.id(), task.state().id());
        } else {
            moved = tx.update("UPDATE tasks SET state = ?, updated_ms = ? WHERE run_id = ? AND id = ? AND state = ?",
                    target.id(), now, task.runId(), task.id(), task.state().id());
        }
        if (moved != 1) {
            // on PostgreSQL a write that read the row before another process's move committed (a cancel, say) finds
            // it moved when its update runs: it is refused, not applied over that move
            throw new LeaseLostException("task " + task.runId() + "/" + task.id() + " was moved from " + task.state()
                    + " by another process meanwhile; the move to " + target + " is refused");
        }
        events.append(tx, task.runId(), task.id(), "task." + target.id(), reason);
        return require(tx, task.runId(), task.id());
    }

    private static void deleteLease(Tx tx, String leaseId) {
        try {
            tx.update("DELETE FROM leases WHERE id = ?", leaseId);
        } catch (SQLException e) {
            throw new StoreException("cannot end lease " + leaseId + ": " + e.getMessage(), e);
        }
    }

    private static TaskRecord require(Tx tx, String runId, String taskId) throws SQLException {
        return find(tx, runId, taskId).orElseThrow(() ->
                KleiberException.badInput("no task '" + taskId + "' in run '" + runId + "'"));
    }

    private static Optional<TaskRecord> find(Tx tx, String runId, String taskId) throws SQLException {
        List<String> deps = tx.query("SELECT depends_on FROM task_dependencies WHERE run_id = ? AND task_id = ? "
                + "ORDER BY depends_on", rs -> rs.getString(1), runId, taskId);
        return tx.one("SELECT " + COLUMNS + " FROM tasks WHERE run_id = ? AND id = ?", rs -> map(rs, deps), runId, taskId);
    }

    private static TaskRecord map(ResultSet rs, List<String> deps) throws SQLException {
        String tierId = rs.getString(4);
        Tier tier = Tier.parse(tierId).orElseThrow(() -> new SQLException("unknown tier in the store: " + tierId));
        return new TaskRecord(rs.getString(1), rs.getString(2), rs.getString(3), tier, TaskState.fromStore(rs.getString(5)),
                rs.getLong(6), Optional.ofNullable(rs.getString(7)), rs.getInt(8), deps);
    }
}
