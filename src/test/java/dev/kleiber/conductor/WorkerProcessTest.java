package dev.kleiber.conductor;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker process takes only as many tasks as it has slots, only those its tags meet, and hands back on stop. */
class WorkerProcessTest {
    @TempDir
    Path tmp;

    @Test
    void fillsItsSlotsWithTasksItsTagsMeetAndOnStopHandsBackWhatStillRuns() throws Exception {
        try (Store store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC())) {
            store.runs().create("r1", "a request");
            store.tasks().add("r1", List.of(new Tasks.NewTask("a", "engineer-backend", Tier.SONNET, List.of()),
                    new Tasks.NewTask("b", "engineer-backend", Tier.SONNET, List.of()),
                    new Tasks.NewTask("c", "engineer-backend", Tier.SONNET, List.of()),
                    new Tasks.NewTask("gpu", "engineer-backend", Tier.SONNET, List.of())));
            store.tasks().require("r1", "gpu", Set.of("cuda"));
            List<Claim> started = new CopyOnWriteArrayList<>();
            CountDownLatch two = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            WorkerProcess worker = new WorkerProcess(store, new WorkerProcess.Identity("worker-1", "host-1", 1, 2, Set.of("linux"), ""),
                    Duration.ofSeconds(30), Duration.ofMillis(20), claim -> {
                        started.add(claim);
                        two.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS); // an agent at work
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, line -> { });
            Thread loop = Thread.ofVirtual().start(worker::run);

            assertThat(two.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);
            assertThat(started).as("two slots").hasSize(2);
            assertThat(worker.holding()).containsExactlyInAnyOrder("r1/a", "r1/b");
            assertThat(store.workers().live()).singleElement().satisfies(w -> assertThat(w.claims()).hasSize(2));

            worker.stop(Duration.ZERO);
            release.countDown();
            loop.join(10_000);

            assertThat(store.tasks().find("r1", "a").orElseThrow().state()).as("handed back").isEqualTo(TaskState.QUEUED);
            assertThat(store.tasks().find("r1", "b").orElseThrow().state()).isEqualTo(TaskState.QUEUED);
            assertThat(store.tasks().find("r1", "gpu").orElseThrow().state()).as("needs cuda").isEqualTo(TaskState.PLANNED);
            assertThat(store.workers().live()).as("deregistered").isEmpty();
            long leases = store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases"));
            assertThat(leases).isZero();
        }
    }

    @Test
    void workersOnOneHostTogetherRunNoMoreSessionsThanTheHostsCap() throws Exception {
        try (Store store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC())) {
            store.runs().create("r1", "a request");
            store.tasks().add("r1", List.of("a", "b", "c", "d", "e").stream()
                    .map(id -> new Tasks.NewTask(id, "engineer-backend", Tier.SONNET, List.<String>of())).toList());
            AtomicInteger now = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            CountDownLatch full = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            WorkerProcess.Attempts agent = claim -> {
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                full.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // an agent at work
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                store.tasks().transition(claim, TaskState.VALIDATING, "the agent completed it");
                store.tasks().transition(claim, TaskState.MERGED, "merged");
                store.leases().release(claim.lease());
                now.decrementAndGet();
            };
            // two workers of two slots each on one host capped at two sessions
            List<WorkerProcess> workers = List.of("worker-1", "worker-2").stream().map(name -> new WorkerProcess(store,
                    new WorkerProcess.Identity(name, "host-1", 1, 2, Set.of(), "", 2), Duration.ofSeconds(30),
                    Duration.ofMillis(20), agent, line -> { })).toList();
            List<Thread> loops = workers.stream().map(w -> Thread.ofVirtual().start(w::run)).toList();

            assertThat(full.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            assertThat(now).as("the host's cap, not the workers' four slots").hasValue(2);
            release.countDown();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (store.tasks().ofRun("r1").stream().anyMatch(t -> t.state() != TaskState.MERGED) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
            for (Thread loop : loops) {
                loop.join(10_000);
            }

            assertThat(store.tasks().ofRun("r1")).allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.MERGED));
            assertThat(most).as("never more than the cap at once").hasValue(2);
            long leases = store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases"));
            assertThat(leases).as("every host slot let go").isZero();
        }
    }
}
