package dev.kleiber.conductor;

import dev.kleiber.store.Claim;
import dev.kleiber.store.Lease;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Runs;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What {@code kleiber worker} is: a process that registers in the store, claims ready tasks of any run (fairly,
 * round-robin by run, only those its tags meet) while it has a free slot, runs each on a thread of its own through
 * {@code attempts}, and heartbeats its registration. {@link #stop} stops claiming, lets running attempts finish
 * for a grace period and hands the rest back: their leases end at once, so another worker takes them now, and
 * any late write or push of theirs is refused by its stale fence.
 */
public final class WorkerProcess {
    /** Runs one claimed task to its next resting state (a conductor's {@link Conductor#execute}). */
    @FunctionalInterface
    public interface Attempts {
        void run(Claim claim);
    }

    /**
     * Who this worker is in the store, what it offers, and the remote whose runs it works on. {@code hostSlots}, when
     * above 0, caps the agent sessions of every worker on {@code host} together (several workers on one machine,
     * each with its own cache): a session takes one of the host's slots in the store before it claims a task.
     */
    public record Identity(String holder, String host, long pid, int slots, Set<String> tags, String remote,
                           int hostSlots) {
        public Identity {
            if (slots < 1) {
                throw new IllegalArgumentException("a worker needs at least one slot");
            }
            if (hostSlots < 0) {
                throw new IllegalArgumentException("a host cap is 0 (none) or more");
            }
            tags = Set.copyOf(tags);
        }

        /** A worker whose host has no cap beyond its own slots. */
        public Identity(String holder, String host, long pid, int slots, Set<String> tags, String remote) {
            this(holder, host, pid, slots, tags, remote, 0);
        }
    }

    private final Store store;
    private final Identity identity;
    private final Duration leaseTtl;
    private final Duration poll;
    private final Attempts attempts;
    private final Consumer<String> log;
    private final Semaphore slots;
    private final Map<String, Claim> running = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private volatile boolean stopping;

    public WorkerProcess(Store store, Identity identity, Duration leaseTtl, Duration poll, Attempts attempts,
                         Consumer<String> log) {
        this.store = store;
        this.identity = identity;
        this.leaseTtl = leaseTtl;
        this.poll = poll;
        this.attempts = attempts;
        this.log = log;
        this.slots = new Semaphore(identity.slots());
    }

    /** Claims and runs tasks until {@link #stop}; returns once every attempt it started has ended. */
    public void run() {
        register();
        Thread heartbeat = Thread.ofVirtual().name("worker-heartbeat").start(this::beat);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (!stopping) {
                if (!slots.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;
                }
                Optional<Runnable> hostSlot = stopping ? Optional.empty() : hostSlot();
                Optional<Claim> claim = hostSlot.isEmpty() ? Optional.empty() : claimOrSay();
                if (claim.isEmpty()) {
                    hostSlot.ifPresent(Runnable::run);
                    slots.release();
                    pause();
                    continue;
                }
                Claim c = claim.get();
                running.put(key(c), c);
                log.accept("claimed " + key(c) + " attempt " + c.attempt() + " (fence " + c.lease().fence() + ")");
                pool.submit(() -> {
                    try {
                        attempts.run(c);
                    } catch (RuntimeException e) {
                        log.accept(key(c) + " ended with an error: " + e.getMessage());
                    } finally {
                        hostSlot.get().run();
                        running.remove(key(c));
                        slots.release();
                        if (runCancelled(c)) {
                            log.accept("stopped " + key(c) + ": its run was cancelled");
                        }
                        log.accept("released " + key(c));
                        synchronized (wake) {
                            wake.notifyAll();
                        }
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heartbeat.interrupt();
            store.workers().deregister(identity.holder());
        }
    }

    /**
     * One of the host's slots, kept alive until the returned action lets it go: with no host cap nothing; with one, the first of
     * the leases {@code host:HOST:0..N-1} no live worker holds, empty when all are taken (the host is full). A worker
     * killed mid-task frees its slot when the lease lapses, as its claim does.
     */
    private Optional<Runnable> hostSlot() {
        if (identity.hostSlots() == 0) {
            return Optional.of(() -> { });
        }
        try {
            for (int i = 0; i < identity.hostSlots(); i++) {
                Optional<Lease> lease = store.leases().tryAcquire("host:" + identity.host() + ":" + i, identity.holder(),
                        leaseTtl);
                if (lease.isPresent()) {
                    return Optional.of(new LeaseKeeper(store.leases(), lease.get(), leaseTtl,
                            lost -> log.accept("lost a slot of host " + identity.host() + ": " + lost.getMessage()))::close);
                }
            }
        } catch (RuntimeException e) {
            log.accept("taking a slot of host " + identity.host() + " failed, trying again: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** A store that fails for a moment (a lost connection, a conflicting sweep) costs one poll, not the worker. */
    private Optional<Claim> claimOrSay() {
        try {
            return claim();
        } catch (RuntimeException e) {
            log.accept("claiming failed, trying again: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Claim> claim() {
        // a dead holder's tasks of the runs it may claim from go back to the queue before we look: any worker notices,
        // not only the conductor
        for (String runId : store.runs().claimable()) {
            for (TaskRecord expired : store.queue().requeueExpired(runId)) {
                log.accept("requeued " + runId + "/" + expired.id() + ": its holder's lease lapsed");
            }
        }
        store.workers().sweep();
        return store.queue().claimAny(identity.holder(), identity.remote(), identity.tags(), leaseTtl);
    }

    /** Whether the claim's run was cancelled (its attempt was stopped by the lease the cancel ended). */
    private boolean runCancelled(Claim claim) {
        try {
            return store.runs().find(claim.task().runId()).map(r -> r.state().equals(Runs.CANCELLED)).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void pause() throws InterruptedException {
        synchronized (wake) {
            if (!stopping) {
                wake.wait(poll.toMillis());
            }
        }
    }

    private void register() {
        store.workers().register(identity.holder(), identity.host(), identity.pid(), identity.slots(), identity.tags(),
                identity.remote(), leaseTtl);
    }

    private void beat() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(Math.max(10, leaseTtl.toMillis() / 3));
                if (!store.workers().heartbeat(identity.holder(), leaseTtl)) {
                    register();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the store is unreachable for a moment: the registration lapses if it stays so, the claims' own
                // keepers decide about the tasks
                log.accept("worker heartbeat failed: " + e.getMessage());
            }
        }
    }

    /**
     * Stops claiming; waits up to {@code grace} for running attempts to end, then hands back the tasks still
     * running (their leases end now and the tasks are queued again for another worker).
     */
    public void stop(Duration grace) {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        long until = System.nanoTime() + grace.toNanos();
        while (!running.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Claim claim : running.values()) {
            store.leases().release(claim.lease());
            store.queue().requeueExpired(claim.task().runId());
            log.accept("handed back " + key(claim));
        }
    }

    /** The tasks this worker holds now ({@code run/task}). */
    public Set<String> holding() {
        return Set.copyOf(running.keySet());
    }

    private static String key(Claim claim) {
        return claim.task().runId() + "/" + claim.task().id();
    }
}
