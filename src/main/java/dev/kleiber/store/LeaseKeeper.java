package dev.kleiber.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Keeps a lease alive by heartbeating it every third of its time to live, on a virtual thread, until closed.
 * When a heartbeat is refused the lease is lost; {@code onLost} hears of it and the keeper stops.
 */
public final class LeaseKeeper implements AutoCloseable {
    private final Leases leases;
    private final Duration ttl;
    private final AtomicReference<Lease> current;
    private final Thread thread;

    public LeaseKeeper(Leases leases, Lease lease, Duration ttl, Consumer<RuntimeException> onLost) {
        this.leases = leases;
        this.ttl = ttl;
        this.current = new AtomicReference<>(lease);
        this.thread = Thread.ofVirtual().name("lease-" + lease.id()).start(() -> beat(onLost));
    }

    private void beat(Consumer<RuntimeException> onLost) {
        long pause = Math.max(10, ttl.toMillis() / 3);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(pause);
                current.set(leases.heartbeat(current.get(), ttl));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // closed while beating: not a lost lease
                }
                onLost.accept(e);
                return;
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
        leases.release(current.get());
    }
}
