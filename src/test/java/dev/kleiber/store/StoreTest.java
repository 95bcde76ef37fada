package dev.kleiber.store;

import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();

    private Store open(TestStores.Kind kind) {
        Store store = Store.open(TestStores.fresh(kind, dir), clock);
        store.runs().create("r1", "add KYC filter");
        store.tasks().add("r1", List.of(
                new Tasks.NewTask("feat-001", "engineer-backend", Tier.SONNET, List.of()),
                new Tasks.NewTask("feat-002", "engineer-frontend", Tier.SONNET, List.of("feat-001"))));
        return store;
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aTaskWalksTheHappyPathAndEveryStepIsAnEvent(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            store.tasks().transition("r1", "feat-001", TaskState.QUEUED, "ready");
            store.tasks().transition("r1", "feat-002", TaskState.QUEUED, "ready");

            Claim claim = store.tasks().claim("r1", List.of("feat-001", "feat-002"), "worker-1", Duration.ofMinutes(5)).orElseThrow();
            assertThat(claim.task().id()).isEqualTo("feat-001");
            assertThat(claim.task().state()).isEqualTo(TaskState.RUNNING);
            assertThat(claim.attempt()).isEqualTo(1);
            assertThat(claim.lease().fence()).isEqualTo(1);
            // feat-002 waits for feat-001 to be merged
            assertThat(store.tasks().claim("r1", List.of("feat-002"), "worker-2", Duration.ofMinutes(5))).isEmpty();

            store.tasks().transition(claim, TaskState.VALIDATING, "agent done");
            TaskRecord merged = store.tasks().transition(claim, TaskState.MERGED, "checks passed");
            assertThat(merged.state()).isEqualTo(TaskState.MERGED);
            assertThat(merged.leaseId()).isEmpty();
            assertThat(store.leases().find(claim.lease().id())).isEmpty();

            assertThat(store.tasks().claim("r1", List.of("feat-002"), "worker-2", Duration.ofMinutes(5)))
                    .map(c -> c.task().id()).contains("feat-002");
            assertThat(store.events().ofRun("r1")).extracting(Event::kind).containsSubsequence(
                    "run.created", "task.planned", "task.queued", "task.running", "task.validating", "task.merged");
            assertThat(store.events().ofTask("r1", "feat-001")).extracting(Event::taskId).containsOnly("feat-001");
            assertThat(store.events().ofTask("r1", "feat-001")).extracting(Event::kind).containsSubsequence(
                    "task.planned", "task.running", "task.merged");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void illegalTransitionsAreRefusedWithWhereTheTaskMayGo(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            assertThatThrownBy(() -> store.tasks().transition("r1", "feat-001", TaskState.MERGED, "skip"))
                    .isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining("cannot go from planned to merged")
                    .hasMessageContaining("queued");
            store.tasks().transition("r1", "feat-001", TaskState.CANCELLED, "dropped");
            assertThatThrownBy(() -> store.tasks().transition("r1", "feat-001", TaskState.QUEUED, "again"))
                    .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("final");
            assertThat(store.tasks().find("r1", "feat-001").orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aZombieWorkersLateWriteIsRejectedByTheFence(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            store.tasks().transition("r1", "feat-001", TaskState.QUEUED, "ready");
            Claim zombie = store.tasks().claim("r1", List.of("feat-001"), "worker-1", Duration.ofSeconds(30)).orElseThrow();

            // the leased task cannot be moved without the lease
            assertThatThrownBy(() -> store.tasks().transition("r1", "feat-001", TaskState.FAILED, "x"))
                    .isInstanceOf(LeaseLostException.class);

            clock.advance(Duration.ofSeconds(31));
            assertThatThrownBy(() -> store.leases().heartbeat(zombie.lease(), Duration.ofSeconds(30)))
                    .isInstanceOf(LeaseLostException.class);
            // expired but not yet taken over: still refused
            assertThatThrownBy(() -> store.tasks().transition(zombie, TaskState.VALIDATING, "late"))
                    .isInstanceOf(LeaseLostException.class).hasMessageContaining("fence 1");

            assertThat(store.tasks().requeueExpired("r1")).extracting(TaskRecord::id).containsExactly("feat-001");
            Claim fresh = store.tasks().claim("r1", List.of("feat-001"), "worker-2", Duration.ofSeconds(30)).orElseThrow();
            assertThat(fresh.lease().fence()).isEqualTo(2);
            assertThat(fresh.attempt()).isEqualTo(2);

            assertThatThrownBy(() -> store.tasks().transition(zombie, TaskState.VALIDATING, "late"))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(store.tasks().transition(fresh, TaskState.VALIDATING, "done").state())
                    .isEqualTo(TaskState.VALIDATING);
            assertThat(store.events().ofRun("r1")).extracting(Event::kind).contains("task.stale_write_refused");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aBudgetPauseGivesTheAttemptBackAndTheNextClaimContinuesItUnderANewFence(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            store.tasks().transition("r1", "feat-001", TaskState.QUEUED, "ready");
            Claim first = store.tasks().claim("r1", List.of("feat-001"), "worker-1", Duration.ofSeconds(30)).orElseThrow();

            TaskRecord paused = store.tasks().giveBack(first, TaskState.QUEUED, "the budget paused the run");
            assertThat(paused.state()).isEqualTo(TaskState.QUEUED);
            assertThat(paused.attempts()).isZero();
            Claim again = store.tasks().claim("r1", List.of("feat-001"), "worker-2", Duration.ofSeconds(30)).orElseThrow();

            assertThat(again.attempt()).isEqualTo(1);
            assertThat(again.lease().fence()).as("the old holder's writes stay refused").isEqualTo(2);
            assertThatThrownBy(() -> store.tasks().giveBack(first, TaskState.QUEUED, "late")).isInstanceOf(LeaseLostException.class);
            store.tasks().transition(again, TaskState.QUEUED, "escalated");
            assertThat(store.tasks().claim("r1", List.of("feat-001"), "worker-2", Duration.ofSeconds(30)).orElseThrow()
                    .attempt()).as("any other return to the queue spends the attempt").isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void theEventLogAndLedgerRefuseRewrites(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            assertThatThrownBy(() -> store.database().write(tx -> tx.update("DELETE FROM events")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> store.database().write(tx -> tx.update("UPDATE events SET kind = 'x'")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("append-only");
            assertThat(store.events().ofRun("r1")).isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void reopeningAMigratedStoreKeepsItsData(TestStores.Kind kind) {
        StoreUrl url = TestStores.fresh(kind, dir);
        try (Store store = Store.open(url, clock)) {
            store.runs().create("r9", "request");
        }
        try (Store store = Store.open(url, clock)) {
            assertThat(store.runs().find("r9")).map(Runs.RunRecord::request).contains("request");
        }
    }

    @Test
    void aRunIsRecordedWithItsTasksOrNotAtAll() {
        try (Store store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, dir), clock)) {
            assertThatThrownBy(() -> store.runs().create("r1", "x", tx -> {
                store.tasks().add(tx, "r1", List.of(new Tasks.NewTask("t1", "engineer-backend", Tier.SONNET, List.of())));
                throw new IllegalStateException("the process died here");
            })).hasMessageContaining("died");
            assertThat(store.runs().find("r1")).isEmpty();
            assertThat(store.tasks().ofRun("r1")).isEmpty();
        }
    }
}
