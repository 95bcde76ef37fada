package dev.kleiber.store;

import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue workers claim from: round-robin across runs, each run's scheduling order within it, capability tags,
 * and — on PostgreSQL with {@code SKIP LOCKED}, on SQLite with its write lock — never one task to two claimers.
 */
class TaskQueueTest {
    private static final Duration TTL = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private static List<Tasks.NewTask> tasks(String prefix, int n) {
        List<Tasks.NewTask> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Tasks.NewTask(prefix + i, "engineer-backend", Tier.SONNET, List.of()));
        }
        return out;
    }

    private Store open(TestStores.Kind kind) {
        return Store.open(TestStores.fresh(kind, dir), clock);
    }

    private void run(Store store, String runId, List<Tasks.NewTask> tasks) {
        store.runs().create(runId, "request of " + runId);
        store.tasks().add(runId, tasks);
        clock.advance(Duration.ofSeconds(1));
    }

    private String claimAny(Store store, String holder) {
        clock.advance(Duration.ofMillis(10));
        Claim claim = store.queue().claimAny(holder, Set.of(), TTL).orElseThrow();
        return claim.task().runId() + "/" + claim.task().id();
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void claimsGoRoundRobinAcrossRunsSoABigRunCannotStarveASmallOne(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            run(store, "big", tasks("b", 6));
            run(store, "small", tasks("s", 2));

            List<String> order = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                order.add(claimAny(store, "worker-1"));
            }

            assertThat(order).containsExactly("big/b0", "small/s0", "big/b1", "small/s1", "big/b2", "big/b3",
                    "big/b4", "big/b5");
            assertThat(store.queue().claimAny("worker-1", Set.of(), TTL)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void withinARunTheSchedulingOrderDecidesAndOnlyReadyTasksOfActiveRunsAreClaimed(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            run(store, "r1", List.of(new Tasks.NewTask("a-logging", "engineer-backend", Tier.HAIKU, List.of()),
                    new Tasks.NewTask("x-api", "engineer-backend", Tier.SONNET, List.of("z-design")),
                    new Tasks.NewTask("z-design", "architect", Tier.OPUS, List.of())));
            run(store, "done", tasks("d", 1));
            store.runs().setState("done", "finished");
            store.queue().prioritize("r1", List.of("z-design", "x-api", "a-logging"));

            Claim first = store.queue().claimAny("worker-1", Set.of(), TTL).orElseThrow();
            Claim second = store.queue().claimAny("worker-1", Set.of(), TTL).orElseThrow();

            assertThat(first.task().id()).as("first in the scheduling order").isEqualTo("z-design");
            assertThat(second.task().id()).as("x-api waits for z-design to merge").isEqualTo("a-logging");
            assertThat(store.queue().claimAny("worker-1", Set.of(), TTL)).as("a finished run's task stays").isEmpty();
            assertThat(first.lease().holder()).isEqualTo("worker-1");
            assertThat(first.task().state()).isEqualTo(TaskState.RUNNING);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aTaskThatNeedsATagGoesOnlyToAWorkerOfferingIt(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            run(store, "r1", tasks("t", 2));
            store.tasks().require("r1", "t0", Set.of("node20", "linux"));

            Claim plain = store.queue().claimAny("plain", Set.of("linux"), TTL).orElseThrow();
            Optional<Claim> nothing = store.queue().claimAny("plain", Set.of("linux"), TTL);
            Claim tagged = store.queue().claimAny("tagged", Set.of("linux", "node20", "gpu"), TTL).orElseThrow();

            assertThat(plain.task().id()).isEqualTo("t1");
            assertThat(nothing).isEmpty();
            assertThat(tagged.task().id()).isEqualTo("t0");
            assertThat(store.queue().claim("r1", List.of("t0"), "conductor", Set.of(), TTL)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void manyClaimersAtOnceOnTheirOwnConnectionsClaimEveryTaskExactlyOnce(TestStores.Kind kind) throws Exception {
        StoreUrl url = TestStores.fresh(kind, dir);
        int claimers = 6;
        List<Store> stores = new ArrayList<>();
        try {
            for (int i = 0; i < claimers; i++) {
                stores.add(Store.open(url, clock));
            }
            run(stores.getFirst(), "r1", tasks("a", 20));
            run(stores.getFirst(), "r2", tasks("b", 20));
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<List<String>>> work = new ArrayList<>();
            for (int i = 0; i < claimers; i++) {
                Store store = stores.get(i);
                String holder = "worker-" + i;
                work.add(() -> {
                    go.await();
                    List<String> mine = new ArrayList<>();
                    for (Optional<Claim> c = store.queue().claimAny(holder, Set.of(), TTL); c.isPresent();
                         c = store.queue().claimAny(holder, Set.of(), TTL)) {
                        mine.add(c.get().task().runId() + "/" + c.get().task().id());
                    }
                    return mine;
                });
            }
            List<String> claimed = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(claimers)) {
                List<Future<List<String>>> results = work.stream().map(pool::submit).toList();
                go.countDown();
                for (Future<List<String>> result : results) {
                    claimed.addAll(result.get());
                }
            }

            assertThat(claimed).hasSize(40).doesNotHaveDuplicates();
            assertThat(new HashSet<>(claimed)).hasSize(40);
            Store store = stores.getFirst();
            long leases = store.database().read(tx -> tx.number("SELECT COUNT(*) FROM leases WHERE subject IS NOT NULL"));
            long attempts = store.database().read(tx -> tx.number("SELECT COUNT(*) FROM attempts"));
            assertThat(leases).as("one lease per claimed task").isEqualTo(40);
            assertThat(attempts).as("one attempt per task").isEqualTo(40);
        } finally {
            stores.forEach(Store::close);
        }
    }
}
