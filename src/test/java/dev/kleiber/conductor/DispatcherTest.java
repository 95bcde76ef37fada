package dev.kleiber.conductor;

import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.TaskGraph;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher claims exactly what the scheduler chose, by critical path, on a real store — not the queued task
 * whose id sorts first — and never more than its own workers; what other processes hold runs on theirs.
 */
class DispatcherTest {
    private static final Duration TTL = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    /** {@code a-logging} alone; {@code z-design ─▶ y-column ─▶ x-api}: the long path starts at the last id. */
    private final Plan plan = new Plan(List.of(
            task("a-logging"), task("x-api", "y-column"), task("y-column", "z-design"), task("z-design")));

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void claimsTheCriticalPathFirstEvenWhenAnotherTaskIsQueuedWithALowerId(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            // a-logging is already queued (a retry put it back): the claim must still take the scheduler's pick
            store.tasks().transition("r1", "a-logging", TaskState.QUEUED, "retry");

            List<Claim> claims = dispatcher(store, 1, "w1").dispatch();

            assertThat(claims).extracting(c -> c.task().id()).containsExactly("z-design");
            assertThat(store.tasks().find("r1", "a-logging").orElseThrow().state()).isEqualTo(TaskState.QUEUED);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void fillsItsOwnFreeWorkersBestFirstAndLeavesOtherProcessesTasksToThem(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            assertThat(dispatcher(store, 1, "other").dispatch()).extracting(c -> c.task().id()).containsExactly("z-design");
            assertThat(dispatcher(store, 1, "other").dispatch()).as("its one worker is busy").isEmpty();

            // one worker here, one task running in another process on that process's worker: ours is free
            List<Claim> claims = dispatcher(store, 1, "w1").dispatch();

            assertThat(claims).extracting(c -> c.task().id()).containsExactly("a-logging");
            assertThat(dispatcher(store, 1, "w1").dispatch()).as("no free worker").isEmpty();
            assertThat(dispatcher(store, 2, "w1").dispatch()).as("a free worker, nothing ready").isEmpty();
            assertThat(store.tasks().find("r1", "y-column").orElseThrow().state())
                    .as("waits for z-design to merge").isEqualTo(TaskState.PLANNED);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aWorkerThatRequeuedItsTaskTakesTheSchedulersBestPickNext(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Dispatcher dispatcher = dispatcher(store, 1, "w1");
            Claim design = dispatcher.dispatch().getFirst();
            store.tasks().transition(design, TaskState.VALIDATING, "done");
            store.tasks().transition(design, TaskState.MERGED, "merged");
            Claim column = dispatcher.dispatch().getFirst();
            assertThat(column.task().id()).isEqualTo("y-column");
            store.tasks().transition("r1", "a-logging", TaskState.QUEUED, "queued by another conductor");

            // the attempt failed and goes back to the queue: the next claim is y-column again, not a-logging
            store.tasks().transition(column, TaskState.QUEUED, "retry");
            Optional<Claim> next = dispatcher.claimOne();

            assertThat(next).map(c -> c.task().id()).contains("y-column");
            assertThat(next.orElseThrow().attempt()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void twoConductorsDispatchingAtOnceNeverClaimOneTaskTwice(TestStores.Kind kind) throws Exception {
        StoreUrl url = TestStores.fresh(kind, dir);
        List<PlannedTask> wide = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            wide.add(task("t" + i));
        }
        Plan eight = new Plan(wide);
        try (Store first = Store.open(url, clock); Store second = Store.open(url, clock)) {
            record(first, eight);
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<List<Claim>>> conductors = List.of(first, second).stream().<Callable<List<Claim>>>map(store -> () -> {
                go.await();
                List<Claim> mine = new ArrayList<>();
                Dispatcher dispatcher = new Dispatcher(store, "r1", TaskGraph.of(eight).criticalPath(), 8,
                        "conductor-" + System.identityHashCode(store), TTL);
                for (int round = 0; round < 4; round++) {
                    mine.addAll(dispatcher.dispatch());
                }
                return mine;
            }).toList();
            List<String> claimed = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                List<Future<List<Claim>>> results = conductors.stream().map(pool::submit).toList();
                go.countDown();
                for (Future<List<Claim>> result : results) {
                    result.get(60, TimeUnit.SECONDS).forEach(c -> claimed.add(c.task().id()));
                }
            }
            assertThat(claimed).as("every task claimed once, by one of the two").hasSize(8).doesNotHaveDuplicates();
        }
    }

    private Store open(TestStores.Kind kind) {
        Store store = Store.open(TestStores.fresh(kind, dir), clock);
        record(store, plan);
        return store;
    }

    private static void record(Store store, Plan plan) {
        store.runs().create("r1", "dispatch");
        store.tasks().add("r1", plan.tasks().stream()
                .map(t -> new Tasks.NewTask(t.id(), t.agent(), Tier.SONNET, t.dependsOn())).toList());
    }

    private Dispatcher dispatcher(Store store, int workers, String holder) {
        return new Dispatcher(store, "r1", TaskGraph.of(plan).criticalPath(), workers, holder, TTL);
    }

    private static PlannedTask task(String id, String... dependsOn) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", "Do " + id, List.of("done"), Optional.empty(),
                Optional.empty(), Arrays.asList(dependsOn), Priority.P1, List.of(), Optional.empty());
    }
}
