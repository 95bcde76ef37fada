package dev.kleiber.plan;

import dev.kleiber.protocol.Priority;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kleiber.plan.TaskGraphTest.plan;
import static dev.kleiber.plan.TaskGraphTest.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerTest {
    /** design ─▶ column ─▶ api ─▶ {dashboard, docs}; logging alone. */
    private final TaskGraph graph = TaskGraph.of(plan(
            task("dashboard", Priority.P1, "api"),
            task("docs", Priority.P2, "api"),
            task("api", Priority.P1, "column"),
            task("logging", Priority.P0),
            task("column", Priority.P0, "design"),
            task("design", Priority.P0)));

    @Test
    void startsTheCriticalPathFirstAndNeverMoreThanTheWorkers() {
        Scheduler scheduler = new Scheduler(graph.criticalPath(), 1);

        assertThat(scheduler.next()).containsExactly("design");
        assertThat(scheduler.next()).as("the only worker is busy").isEmpty();
        scheduler.completed("design");
        assertThat(scheduler.next()).as("column leads a longer path than logging").containsExactly("column");
        assertThat(scheduler.state("logging")).isEqualTo(Scheduler.State.READY);
        assertThat(scheduler.state("api")).isEqualTo(Scheduler.State.WAITING);
    }

    @Test
    void fillsEveryFreeWorkerAsTasksFinish() {
        Scheduler scheduler = new Scheduler(graph.criticalPath(), 2);

        assertThat(scheduler.next()).containsExactly("design", "logging");
        scheduler.completed("logging");
        assertThat(scheduler.next()).isEmpty();
        scheduler.completed("design");
        assertThat(scheduler.next()).containsExactly("column");
        scheduler.completed("column");
        assertThat(scheduler.next()).containsExactly("api");
        scheduler.completed("api");
        assertThat(scheduler.next()).containsExactly("dashboard", "docs");
        assertThat(scheduler.running()).isEqualTo(2);
        scheduler.completed("docs");
        scheduler.completed("dashboard");
        assertThat(scheduler.finished()).isTrue();
        assertThat(scheduler.inState(Scheduler.State.DONE)).hasSize(6);
    }

    @Test
    void aFailedTaskMakesItsDependentsUnreachableAndTheRestGoesOn() {
        Scheduler scheduler = new Scheduler(graph.criticalPath(), 2);
        scheduler.next();
        scheduler.completed("design");
        assertThat(scheduler.next()).containsExactly("column");

        assertThat(scheduler.failed("column")).containsExactly("api", "dashboard", "docs");
        assertThat(scheduler.finished()).as("logging still runs").isFalse();
        scheduler.completed("logging");
        assertThat(scheduler.next()).isEmpty();
        assertThat(scheduler.finished()).isTrue();
        assertThat(scheduler.inState(Scheduler.State.UNREACHABLE)).containsExactly("dashboard", "docs", "api");
        assertThat(scheduler.inState(Scheduler.State.FAILED)).containsExactly("column");
    }

    @Test
    void aTaskCanBeBlockedBeforeItStarts() {
        Scheduler scheduler = new Scheduler(graph.criticalPath(), 1);

        assertThat(scheduler.failed("logging")).isEmpty();
        assertThat(scheduler.failed("api")).containsExactly("dashboard", "docs");
        assertThat(scheduler.next()).containsExactly("design");
        scheduler.completed("design");
        assertThat(scheduler.next()).containsExactly("column");
        scheduler.completed("column");
        assertThat(scheduler.next()).as("api was blocked").isEmpty();
        assertThat(scheduler.finished()).isTrue();
    }

    @Test
    void aRestoredRunSkipsWhatWasDoneAndCountsWhatStillRuns() {
        Scheduler scheduler = Scheduler.restore(graph.criticalPath(), 2,
                Map.of("design", Scheduler.State.DONE, "column", Scheduler.State.DONE, "logging", Scheduler.State.RUNNING));

        assertThat(scheduler.running()).isEqualTo(1);
        assertThat(scheduler.next()).as("one worker is still busy with logging").containsExactly("api");
        scheduler.completed("logging");
        assertThat(scheduler.state("dashboard")).isEqualTo(Scheduler.State.WAITING);
    }

    @Test
    void aRestoredFailureKeepsItsDependentsUnreachable() {
        Scheduler scheduler = Scheduler.restore(graph.criticalPath(), 4,
                Map.of("design", Scheduler.State.DONE, "column", Scheduler.State.FAILED));

        assertThat(scheduler.inState(Scheduler.State.UNREACHABLE)).containsExactly("dashboard", "docs", "api");
        assertThat(scheduler.next()).containsExactly("logging");
    }

    @Test
    void aRestoredStateMustBeConsistent() {
        assertThatThrownBy(() -> Scheduler.restore(graph.criticalPath(), 4, Map.of("api", Scheduler.State.DONE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api is DONE but not all");
        assertThatThrownBy(() -> Scheduler.restore(graph.criticalPath(), 4, Map.of("design", Scheduler.State.READY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReopenedTaskRunsAgainAndItsDependentsBecomeReachable() {
        Scheduler scheduler = new Scheduler(graph.criticalPath(), 1);
        assertThat(scheduler.next()).containsExactly("design");
        assertThat(scheduler.failed("design")).containsExactly("column", "api", "dashboard", "docs");

        assertThat(scheduler.reopen("design")).containsExactly("column", "api", "dashboard", "docs");
        assertThat(scheduler.next()).containsExactly("design");
        scheduler.completed("design");
        assertThat(scheduler.state("column")).isEqualTo(Scheduler.State.READY);
    }

    @Test
    void reopeningATaskBehindAnotherFailureLeavesItUnreachable() {
        Scheduler scheduler = new Scheduler(graph.criticalPath(), 1);
        scheduler.failed("api");
        scheduler.failed("design");

        assertThat(scheduler.reopen("api")).isEmpty();
        assertThat(scheduler.state("api")).isEqualTo(Scheduler.State.UNREACHABLE);
        assertThat(scheduler.reopen("design")).containsExactly("column", "api", "dashboard", "docs");
        assertThatThrownBy(() -> scheduler.reopen("column")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void misuseFailsFast() {
        Scheduler scheduler = new Scheduler(graph.criticalPath(), 1);

        assertThatThrownBy(() -> scheduler.completed("design")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it is READY");
        scheduler.next();
        scheduler.completed("design");
        assertThatThrownBy(() -> scheduler.failed("design")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Scheduler(graph.criticalPath(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
