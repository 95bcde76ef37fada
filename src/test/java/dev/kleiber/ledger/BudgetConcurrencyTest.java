package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.Lease;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 32 threads, in two "processes" (two stores with their own connections and leases on one database), make
 * random-cost calls against a limit; some calls throw midway, some are cancelled. Nothing may pass the limit,
 * every call is in the ledger or was refused, and no reservation outlives its call.
 */
class BudgetConcurrencyTest {
    static final int THREADS = 32;
    static final int CALLS_PER_THREAD = 10;
    static final BigDecimal LIMIT = new BigDecimal("20");
    static final String SONNET = "claude-sonnet-4-5-20250929";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void thirtyTwoThreadsNeverPassTheLimitAndLeakNothing(TestStores.Kind kind) throws Exception {
        StoreUrl url = TestStores.fresh(kind, dir);
        Clock clock = Clock.systemUTC();
        BudgetLimits limits = new BudgetLimits(LIMIT, ZoneOffset.UTC, Optional.empty(), Optional.empty(), Optional.empty());
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger thrown = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        AtomicLong expectedPico = new AtomicLong();
        AtomicInteger alerts = new AtomicInteger();
        long started = System.nanoTime();
        try (Store a = Store.open(url, clock); Store b = Store.open(url, clock)) {
            Lease leaseA = a.leases().acquire("process-a", Duration.ofMinutes(5));
            Lease leaseB = b.leases().acquire("process-b", Duration.ofMinutes(5));
            BudgetGuard guardA = new BudgetGuard(a, PriceTable.shipped(), limits, clock, leaseA, p -> alerts.incrementAndGet());
            BudgetGuard guardB = new BudgetGuard(b, PriceTable.shipped(), limits, clock, leaseB, p -> alerts.incrementAndGet());
            PriceTable prices = PriceTable.shipped();

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                BudgetGuard guard = t % 2 == 0 ? guardA : guardB;
                futures.add(pool.submit((Callable<Void>) () -> {
                    SplittableRandom random = new SplittableRandom(thread);
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        CallContext context = new CallContext("r1", "task-" + thread, 1, "engineer-" + thread, Tier.SONNET);
                        long maxIn = random.nextLong(1_000, 50_000);
                        long maxOut = random.nextLong(1_000, 8_000);
                        Reservation reservation;
                        try {
                            reservation = guard.reserve(context, "claude-sonnet-4-5", maxIn, maxOut);
                        } catch (BudgetExceededException e) {
                            refused.incrementAndGet();
                            continue;
                        }
                        granted.incrementAndGet();
                        TokenUsage used = TokenUsage.of(random.nextLong(0, maxIn + 1), random.nextLong(0, maxOut + 1));
                        int fate = random.nextInt(10);
                        CallOutcome outcome = fate == 0 ? CallOutcome.ERROR : fate == 1 ? CallOutcome.CANCELLED : CallOutcome.OK;
                        expectedPico.addAndGet(Usd.toPico(prices.priceOf(SONNET).cost(used)));
                        try {
                            if (outcome == CallOutcome.ERROR) {
                                thrown.incrementAndGet();
                                throw new IllegalStateException("stream broke midway");
                            }
                            if (outcome == CallOutcome.CANCELLED) {
                                cancelled.incrementAndGet();
                                Thread.currentThread().interrupt(); // cancellation reaches the caller as an interrupt
                            }
                        } catch (IllegalStateException expected) {
                            // the call failed; its partial usage is billed below all the same
                        } finally {
                            guard.settle(reservation, new CallResult(SONNET, used, outcome, Optional.empty()));
                            Thread.interrupted();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;

            Ledger ledger = new Ledger(a, PriceTable.shipped(), TierModels.DEFAULTS, limits, clock);
            BudgetStatus status = ledger.status();
            long ledgerRows = a.database().read(tx -> tx.number("SELECT COUNT(*) FROM ledger"));
            long reservations = a.database().read(tx -> tx.number("SELECT COUNT(*) FROM reservations"));
            long errorRows = a.database().read(tx -> tx.number("SELECT COUNT(*) FROM ledger WHERE outcome <> 'ok'"));
            System.out.printf("CONCURRENCY %s: %d threads x %d calls in %d ms: %d granted, %d refused "
                            + "(%d threw, %d cancelled), settled $%s of $%s limit, %d alert(s)%n",
                    kind, THREADS, CALLS_PER_THREAD, elapsedMs, granted.get(), refused.get(), thrown.get(),
                    cancelled.get(), status.spentUsd().toPlainString(), LIMIT, alerts.get());

            assertThat(granted.get() + refused.get()).isEqualTo(THREADS * CALLS_PER_THREAD);
            assertThat(refused.get()).as("the limit was reached").isPositive();
            assertThat(status.spentUsd()).isLessThanOrEqualTo(LIMIT);
            assertThat(Usd.toPico(status.spentUsd())).isEqualTo(expectedPico.get());
            assertThat(ledgerRows).isEqualTo(granted.get());
            assertThat(errorRows).isEqualTo(thrown.get() + cancelled.get());
            assertThat(reservations).as("no reservation outlives its call").isZero();
            assertThat(status.reservedUsd()).isZero();
            assertThat(alerts.get()).as("one pause, announced once").isEqualTo(1);
        }
    }
}
