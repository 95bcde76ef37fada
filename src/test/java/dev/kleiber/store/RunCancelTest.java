package dev.kleiber.store;

import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cancelling a run on a remote's workers in the store (ADR 0137): every task not done is cancelled in one
 * transaction, none is claimed again, a worker holding one loses its lease (its heartbeat, fenced writes and pushes
 * are refused) and so does a person's approval under way, and the run stays cancelled whatever a follower records after. Also what a run's follower asks of
 * the store to tell whether a live worker can take its ready tasks.
 */
class RunCancelTest {
    private static final Duration TTL = Duration.ofMinutes(1);
    private static final String REMOTE = "ssh://git@git.example/shop.git";

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private Store open(TestStores.Kind kind) {
        return Store.open(TestStores.fresh(kind, dir), clock);
    }

    private static void remoteRun(Store store, String runId, List<Tasks.NewTask> tasks) {
        store.runs().create(runId, "request of " + runId, tx -> {
            store.runs().remote(tx, runId, REMOTE);
            store.tasks().add(tx, runId, tasks);
            return null;
        });
    }

    private static Tasks.NewTask task(String id, String... dependsOn) {
        return new Tasks.NewTask(id, "engineer-backend", Tier.SONNET, List.of(dependsOn));
    }

    private static Claim claim(Store store, String holder) {
        return store.queue().claimAny(holder, REMOTE, Set.of(), TTL).orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aCancelledRunsTasksAreCancelledNoneIsClaimedAgainAndAHoldersLeaseEnds(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            remoteRun(store, "r1", List.of(task("a"), task("b"), task("c"), task("d", "a"), task("e")));
            store.queue().prioritize("r1", List.of("a", "b", "c", "e", "d"));
            Claim a = claim(store, "worker-1");
            Claim b = claim(store, "worker-2");
            store.tasks().transition(b, TaskState.VALIDATING, "validating");
            store.tasks().transition(b, TaskState.MERGED, "merged");
            Claim c = claim(store, "worker-2");
            store.tasks().transition(c, TaskState.BLOCKED, "unclear");
            Claim reviewed = claim(store, "worker-2");
            store.tasks().transition(reviewed, TaskState.VALIDATING, "validating");
            store.tasks().transition(reviewed, TaskState.AWAITING_REVIEW, "a person must review it");
            Claim approval = ((Tasks.ReviewLease.Taken) store.tasks().leaseForReview("r1", "e", "approve-1", TTL)).review();
            assertThat(store.tasks().holds(a)).isTrue();
            assertThat(store.tasks().holds(approval)).isTrue();

            List<TaskRecord> cancelled = store.tasks().cancelRun("r1", "cancelled by ops (token) through the API").orElseThrow();

            assertThat(cancelled).extracting(TaskRecord::id).containsExactly("a", "c", "d", "e");
            assertThat(store.tasks().states("r1")).containsEntry("a", TaskState.CANCELLED).containsEntry("b", TaskState.MERGED)
                    .containsEntry("c", TaskState.CANCELLED).containsEntry("d", TaskState.CANCELLED);
            assertThat(store.runs().find("r1").orElseThrow().state()).isEqualTo(Runs.CANCELLED);
            assertThat(store.events().ofRun("r1")).anyMatch(e -> e.kind().equals("run.cancelled")
                    && e.detail().equals("cancelled by ops (token) through the API"));
            // the worker that held a: its lease is gone, so its keeper stops the attempt and nothing of it lands
            assertThat(store.tasks().holds(a)).isFalse();
            assertThat(store.tasks().holds(approval)).as("an approval under way merges nothing either").isFalse();
            assertThatThrownBy(() -> store.leases().heartbeat(a.lease(), TTL)).isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> store.tasks().transition(a, TaskState.VALIDATING, "the agent completed it"))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases"))).isZero();
            assertThat(store.queue().claimAny("worker-3", REMOTE, Set.of(), TTL)).as("no worker claims a task of it").isEmpty();
            // a follower that records where the run rests does not undo the cancel; a second cancel has nothing to do
            store.runs().setState("r1", "waiting");
            assertThat(store.runs().find("r1").orElseThrow().state()).isEqualTo(Runs.CANCELLED);
            assertThat(store.tasks().cancelRun("r1", "again")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aFinishedOrUnknownRunIsNotCancelledAndAnotherRunOfTheRemoteGoesOn(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            remoteRun(store, "done", List.of(task("x")));
            Claim x = claim(store, "worker-1");
            store.tasks().transition(x, TaskState.VALIDATING, "validating");
            store.tasks().transition(x, TaskState.MERGED, "merged");
            store.runs().setState("done", "finished");
            remoteRun(store, "other", List.of(task("y")));
            remoteRun(store, "stopped", List.of(task("z")));

            assertThat(store.tasks().cancelRun("done", "by ops")).isEmpty();
            assertThat(store.tasks().cancelRun("no-such-run", "by ops")).isEmpty();
            assertThat(store.tasks().cancelRun("stopped", "by ops")).isPresent();

            assertThat(store.runs().find("done").orElseThrow().state()).isEqualTo("finished");
            Claim y = claim(store, "worker-1");
            assertThat(y.task().runId() + "/" + y.task().id()).isEqualTo("other/y");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aCancelRacingAWorkersMoveNeitherDeadlocksNorIsUndone(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind); ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 10; i++) {
                String runId = "race-" + i;
                remoteRun(store, runId, List.of(task("t")));
                Claim held = claim(store, "worker-1");
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Optional<String>> moved = pool.submit(() -> {
                    start.await();
                    try {
                        return Optional.of(store.tasks().transition(held, TaskState.VALIDATING, "the agent completed it")
                                .state().id());
                    } catch (LeaseLostException refused) {
                        return Optional.<String>empty();
                    }
                });
                Future<Optional<List<TaskRecord>>> cancelled = pool.submit(() -> {
                    start.await();
                    return store.tasks().cancelRun(runId, "by ops");
                });

                // whichever commits first, the cancel stands: the task ends cancelled, its lease gone
                assertThat(cancelled.get(30, TimeUnit.SECONDS)).isPresent();
                moved.get(30, TimeUnit.SECONDS);
                assertThat(store.tasks().find(runId, "t").orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
                assertThat(store.runs().find(runId).orElseThrow().state()).isEqualTo(Runs.CANCELLED);
                assertThat(store.tasks().holds(held)).isFalse();
            }
            assertThat(store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases"))).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aFollowerSeesTheLiveWorkersOfItsRemoteAndWhatTheReadyTasksNeed(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            remoteRun(store, "r1", List.of(task("build"), task("ship", "build")));
            store.tasks().require("r1", "build", Set.of("node20", "linux"));
            store.workers().register("worker-1", "build-1", 11, 1, Set.of("linux"), REMOTE, Duration.ofSeconds(30));
            store.workers().register("worker-2", "build-2", 12, 1, Set.of("linux", "node20"), "/srv/other.git",
                    Duration.ofSeconds(30));

            assertThat(store.tasks().readyNeeds("r1")).as("ship waits for build: not ready").containsExactly(Set.of("linux", "node20"));
            assertThat(store.workers().liveTagsOf(REMOTE)).as("a worker of another remote never serves this run")
                    .containsExactly(Set.of("linux"));

            clock.advance(Duration.ofSeconds(31));
            assertThat(store.workers().liveTagsOf(REMOTE)).as("its heartbeat lapsed: not live").isEmpty();
        }
    }
}
