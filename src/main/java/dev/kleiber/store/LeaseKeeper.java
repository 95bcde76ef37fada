package dev.kleiber.store;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Keeps a lease alive by heartbeating it every third of its time to live, on a virtual thread, until closed.
 * A heartbeat that fails (the store is busy or unreachable for a moment) is retried until the lease would really
 * have expired: only then, or when the store refuses the heartbeat (the lease expired or was taken over), is
 * the lease lost — {@code onLost} hears of it once, so the holder stops its work (the fence of any later write
 * is stale), and the keeper stops.
 */
public final class LeaseKeeper implements AutoCloseable {
    /** Extends a lease by a time to live; throws {@link LeaseLostException} when the store refuses. */
    @FunctionalInterface
    interface Heartbeat {
        Lease beat(Lease lease, Duration ttl);
    }

    private final Heartbeat heartbeat;
    private final Runnable release;
    private final Duration ttl;
    private final Clock clock;
    private final AtomicReference<Lease> current;
    private final Thread thread;

    public LeaseKeeper(Leases leases, Lease lease, Duration ttl, Consumer<RuntimeException> onLost) {
        this(leases::heartbeat, () -> leases.release(lease), lease, ttl, Clock.systemUTC(), onLost);
    }

    LeaseKeeper(Heartbeat heartbeat, Runnable release, Lease lease, Duration ttl, Clock clock,
                Consumer<RuntimeException> onLost) {
        this.heartbeat = heartbeat;
        this.release = release;
        this.ttl = ttl;
        this.clock = clock;
        this.current = new AtomicReference<>(lease);
        this.thread = Thread.ofVirtual().name("lease-" + lease.id()).start(() -> beat(onLost));
    }

    private void beat(Consumer<RuntimeException> onLost) {
        long pause = Math.max(10, ttl.toMillis() / 3);
        long wait = pause;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(wait);
                current.set(heartbeat.beat(current.get(), ttl));
                wait = pause;
            } catch (InterruptedException e) {
                return;
            } catch (LeaseLostException e) {
                if (!Thread.currentThread().isInterrupted()) {
                    onLost.accept(e);
                }
                return;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // closed while beating: not a lost lease
                }
                // compared as instants: in whole milliseconds the loss could be declared up to 1 ms before expiry
                Duration untilExpiry = Duration.between(clock.instant(), current.get().expiresAt());
                if (untilExpiry.isNegative() || untilExpiry.isZero()) {
                    onLost.accept(new LeaseLostException("the lease of " + current.get().holder() + " expired while "
                            + "its heartbeats failed (the last: " + e.getMessage() + "); its work must stop", e));
                    return;
                }
                // try again soon, but never sleep past the expiry: the holder must hear of the loss in time
                wait = Math.max(1, Math.min(pause / 3, untilExpiry.toMillis() + 1));
            }
        }
    }

    public Lease lease() {
        return current.get();
    }

    /** Stops heartbeating and releases the lease. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release.run();
    }
}
