package dev.kleiber.store;

import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaseHolderTest {
    private static final String SCOPE = "4a350f21c9b940d6/4026531836";

    @TempDir
    Path dir;

    /** A process table where pid 100 runs (started at 5000) and nothing else does. */
    private static LeaseHolder table() {
        Map<Long, Long> running = Map.of(100L, 5000L);
        return new LeaseHolder(Optional.of(SCOPE), pid -> Optional.ofNullable(running.get(pid)));
    }

    @Test
    void onlyAHolderOfThisProcessTableThatIsGoneOrWasReplacedIsDead() {
        LeaseHolder holders = table();
        assertThat(holders.isProvablyDead("conductor-100@" + SCOPE + "~5000")).isFalse();
        assertThat(holders.isProvablyDead("conductor-100@" + SCOPE + "~5400")).as("start read at tick resolution").isFalse();
        assertThat(holders.isProvablyDead("conductor-101@" + SCOPE + "~5000")).as("pid gone").isTrue();
        assertThat(holders.isProvablyDead("conductor-100@" + SCOPE + "~1000")).as("pid reused").isTrue();
        assertThat(holders.isProvablyDead("conductor-101@ffff/1~5000")).as("another machine or namespace").isFalse();
        assertThat(holders.isProvablyDead("conductor-101")).as("an old name proves nothing").isFalse();
        assertThat(new LeaseHolder(Optional.empty(), pid -> Optional.empty()).isProvablyDead("conductor-101@" + SCOPE + "~5000"))
                .as("no scope here: never sure").isFalse();
    }

    @Test
    void thisProcessIsAliveUnderItsOwnNameAndAKilledChildIsDead() throws Exception {
        LeaseHolder local = LeaseHolder.local();
        assertThat(local.isProvablyDead(local.name("conductor"))).isFalse();
        Process child = new ProcessBuilder("sleep", "30").start();
        long start = child.info().startInstant().orElseThrow().toEpochMilli();
        String name = local.name("conductor").replaceFirst("-\\d+@", "-" + child.pid() + "@").replaceFirst("~\\d+$", "~" + start);
        assertThat(local.isProvablyDead(name)).isFalse();
        child.destroyForcibly().waitFor();
        assertThat(local.isProvablyDead(name)).isTrue();
    }

    @Test
    void aDeadHoldersLeasesEndNowSoItsTaskGoesBackToTheQueueAtOnce() {
        ManualClock clock = new ManualClock();
        try (Store store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, dir), clock)) {
            store.runs().create("r1", "x");
            store.tasks().add("r1", List.of(new Tasks.NewTask("t1", "engineer-backend", Tier.SONNET, List.of()),
                    new Tasks.NewTask("t2", "engineer-backend", Tier.SONNET, List.of())));
            store.tasks().transition("r1", "t1", TaskState.QUEUED, "ready");
            store.tasks().transition("r1", "t2", TaskState.QUEUED, "ready");
            Claim dead = store.tasks().claim("r1", List.of("t1"), "conductor-101@" + SCOPE + "~5000", Duration.ofMinutes(5)).orElseThrow();
            Claim alive = store.tasks().claim("r1", List.of("t2"), "conductor-100@" + SCOPE + "~5000", Duration.ofMinutes(5)).orElseThrow();

            assertThat(store.leases().expireDeadHolders(table())).extracting(Lease::id).containsExactly(dead.lease().id());

            assertThat(store.tasks().requeueExpired("r1")).extracting(TaskRecord::id).containsExactly(dead.task().id());
            assertThatThrownBy(() -> store.tasks().transition(dead, TaskState.VALIDATING, "zombie"))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(store.tasks().transition(alive, TaskState.VALIDATING, "still held").state()).isEqualTo(TaskState.VALIDATING);
        }
    }
}
