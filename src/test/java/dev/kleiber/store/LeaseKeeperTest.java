package dev.kleiber.store;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keeper rides out failed heartbeats while the lease still lives, reports the loss once when it really
 * expired or the store refused it, and reports nothing when it is closed.
 */
class LeaseKeeperTest {
    private static final Duration TTL = Duration.ofMillis(300);

    private static Lease lease(Clock clock) {
        return new Lease("l1", "worker-1", Optional.of("task:r1/t1"), 3, clock.instant().plus(TTL));
    }

    /** A store whose first {@code failures} heartbeats fail as a busy or unreachable store does, then work. */
    private static final class FlakyStore implements LeaseKeeper.Heartbeat {
        final AtomicInteger calls = new AtomicInteger();
        final List<Instant> granted = new CopyOnWriteArrayList<>();
        private final int failures;
        private final Clock clock;

        FlakyStore(int failures, Clock clock) {
            this.failures = failures;
            this.clock = clock;
        }

        @Override
        public Lease beat(Lease lease, Duration ttl) {
            if (calls.incrementAndGet() <= failures) {
                throw new StoreException("store postgresql://db/kleiber: write failed: connection refused",
                        new java.sql.SQLException("connection refused"));
            }
            Instant expires = clock.instant().plus(ttl);
            granted.add(expires);
            return new Lease(lease.id(), lease.holder(), lease.subject(), lease.fence(), expires);
        }
    }

    @Test
    void failedHeartbeatsAreRetriedAndTheLeaseSurvivesWhileItHasNotExpired() throws Exception {
        Clock clock = Clock.systemUTC();
        FlakyStore store = new FlakyStore(2, clock);
        CompletableFuture<RuntimeException> lost = new CompletableFuture<>();
        Lease start = lease(clock);

        try (LeaseKeeper keeper = new LeaseKeeper(store, () -> { }, start, TTL, clock, lost::complete)) {
            while (store.granted.size() < 2) {
                Thread.sleep(20);
            }
            assertThat(keeper.lease().expiresAt()).isAfter(start.expiresAt());
        }

        assertThat(lost).isNotDone();
        assertThat(store.calls.get()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aStoreThatStaysUnreachableLosesTheLeaseOnlyOnceItHasReallyExpired() throws Exception {
        Clock clock = Clock.systemUTC();
        FlakyStore store = new FlakyStore(Integer.MAX_VALUE, clock);
        CompletableFuture<RuntimeException> lost = new CompletableFuture<>();
        Lease start = lease(clock);

        try (LeaseKeeper ignored = new LeaseKeeper(store, () -> { }, start, TTL, clock, lost::complete)) {
            RuntimeException loss = lost.get(5, TimeUnit.SECONDS);
            Instant heard = clock.instant();

            assertThat(heard).isAfterOrEqualTo(start.expiresAt());
            assertThat(loss).isInstanceOf(LeaseLostException.class).hasMessageContaining("expired while its heartbeats failed")
                    .hasMessageContaining("connection refused");
            assertThat(store.calls.get()).as("retried, not given up after one").isGreaterThan(2);
        }
    }

    @Test
    void aRefusedHeartbeatLosesTheLeaseAtOnceAndStopsTheKeeper() throws Exception {
        Clock clock = Clock.systemUTC();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<RuntimeException> lost = new CompletableFuture<>();
        Lease start = lease(clock);
        LeaseKeeper.Heartbeat refusing = (lease, ttl) -> {
            calls.incrementAndGet();
            throw new LeaseLostException("lease l1 of worker-1 has expired or was taken over; its work must stop");
        };

        try (LeaseKeeper ignored = new LeaseKeeper(refusing, () -> { }, start, TTL, clock, lost::complete)) {
            assertThat(lost.get(5, TimeUnit.SECONDS)).hasMessageContaining("taken over");
            Thread.sleep(TTL.toMillis());
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void closingReleasesTheLeaseAndIsNotALoss() throws Exception {
        Clock clock = Clock.systemUTC();
        AtomicInteger released = new AtomicInteger();
        CompletableFuture<RuntimeException> lost = new CompletableFuture<>();

        new LeaseKeeper(new FlakyStore(0, clock), released::incrementAndGet, lease(clock), TTL, clock, lost::complete).close();

        assertThat(released.get()).isEqualTo(1);
        assertThat(lost).isNotDone();
    }
}
