package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.Lease;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.TestStores;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ledger writes per second: each write is one whole budgeted call, a reservation transaction then a
 * settlement transaction (ledger row + reservation removed). Run by {@code bench/ledger.sh}.
 */
public final class LedgerBench {
    private LedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("kleiber-bench");
        for (TestStores.Kind kind : TestStores.Kind.values()) {
            StoreUrl url = TestStores.fresh(kind, dir);
            for (int threads : new int[] {1, 8}) {
                measure(kind, url, threads, calls / 5); // warm-up
                double perSecond = measure(kind, url, threads, calls);
                System.out.printf("%-10s %2d thread(s): %8.0f ledger writes/s (%d calls, each reserve + settle)%n",
                        kind.name().toLowerCase(), threads, perSecond, calls);
            }
        }
        System.exit(0); // the shared embedded PostgreSQL stops in its shutdown hook
    }

    private static double measure(TestStores.Kind kind, StoreUrl url, int threads, int calls) throws Exception {
        Clock clock = Clock.systemUTC();
        BudgetLimits limits = new BudgetLimits(new BigDecimal("1000000"), ZoneOffset.UTC, Optional.empty(),
                Optional.empty(), Optional.empty());
        try (Store store = Store.open(url, clock)) {
            Lease lease = store.leases().acquire("bench", Duration.ofHours(1));
            BudgetGuard guard = new BudgetGuard(store, PriceTable.shipped(), limits, clock, lease, p -> { });
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = thread; i < calls; i += threads) {
                        CallContext context = new CallContext("bench", "task-" + (i % 50), 1, "engineer-backend", Tier.SONNET);
                        Reservation r = guard.reserve(context, "claude-sonnet-4-5", 20_000, 4_000);
                        guard.settle(r, new CallResult("claude-sonnet-4-5-20250929", TokenUsage.of(12_000, 2_000),
                                CallOutcome.OK, Optional.of("req_" + i)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            return calls / seconds;
        }
    }
}
