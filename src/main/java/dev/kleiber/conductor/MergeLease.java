package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.store.Lease;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreException;

import java.time.Duration;
import java.util.Optional;

/**
 * The lease that elects the one process moving a shared remote's main (ADR 0132): a worker merging a task, the
 * conductor pushing a run's records. Whoever holds {@code merge:URL} in the store merges; the others wait for it.
 */
final class MergeLease {
    static final Duration TTL = Duration.ofSeconds(30);

    private MergeLease() {
    }

    /**
     * Waits at most {@code wait} for the merge lease of {@code url}, then keeps it alive until closed. Losing it
     * mid-merge needs no action: every push of main is fenced by main's commit all the same.
     */
    static LeaseKeeper take(Store store, String url, String holder, Duration wait) {
        Lease lease = await(store, url, holder, wait);
        return new LeaseKeeper(store.leases(), lease, TTL, lost -> { });
    }

    private static Lease await(Store store, String url, String holder, Duration wait) {
        String subject = "merge:" + url;
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                Optional<Lease> lease = store.leases().tryAcquire(subject, holder, TTL);
                if (lease.isPresent()) {
                    return lease.get();
                }
            } catch (StoreException e) {
                // another process inserted the lease between our read and our write: it holds it now
            }
            if (System.nanoTime() > until) {
                throw KleiberException.failed("waited " + wait.toSeconds() + " s for the merge lease of " + url
                        + "; another merger holds it");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KleiberException.failed("interrupted while waiting for the merge lease", e);
            }
        }
    }
}
