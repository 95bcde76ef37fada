package dev.kleiber.plan;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerProperties {
    @Provide
    Arbitrary<RandomDags.Shape> shapes() {
        return Arbitraries.of(RandomDags.Shape.class);
    }

    @Property(tries = 300)
    void everyTaskRunsOnceAfterItsDependenciesAndNeverMoreThanTheWorkers(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int size,
            @ForAll @IntRange(min = 1, max = 16) int workers, @ForAll("shapes") RandomDags.Shape shape) {
        TaskGraph graph = TaskGraph.of(RandomDags.plan(seed, size, shape));
        long[] durations = RandomDags.durations(seed, graph);
        ScheduleSimulation.Outcome outcome = ScheduleSimulation.run(graph.criticalPath(), durations, workers);

        assertThat(outcome.completionOrder()).hasSize(size).doesNotHaveDuplicates();
        for (int task = 0; task < size; task++) {
            assertThat(outcome.start()[task]).as("start of %s", graph.id(task)).isGreaterThanOrEqualTo(0);
            for (int dependency : graph.dependenciesOf(task)) {
                assertThat(outcome.start()[task]).as("%s starts after %s ends", graph.id(task), graph.id(dependency))
                        .isGreaterThanOrEqualTo(outcome.end()[dependency]);
            }
        }
        assertThat(mostRunningAtOnce(outcome)).isLessThanOrEqualTo(workers);
    }

    @Property(tries = 300)
    void makespanLiesBetweenTheLowerBoundAndGrahamsBound(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int size,
            @ForAll @IntRange(min = 1, max = 16) int workers, @ForAll("shapes") RandomDags.Shape shape,
            @ForAll boolean knowsDurations) {
        TaskGraph graph = TaskGraph.of(RandomDags.plan(seed, size, shape));
        long[] durations = RandomDags.durations(seed, graph);
        CriticalPath actual = graph.criticalPath(t -> durations[graph.indexOf(t.id())]);
        CriticalPath ranking = knowsDurations ? actual : graph.criticalPath();

        long makespan = ScheduleSimulation.run(ranking, durations, workers).makespan();

        assertThat(makespan).isGreaterThanOrEqualTo(actual.lowerBound(workers));
        // Graham: a schedule that never leaves a worker idle while a task is ready finishes within
        // total/m + (1 - 1/m) * critical path, whatever order it picks — hence within twice the lower bound.
        assertThat(workers * makespan).isLessThanOrEqualTo(actual.totalWork() + (workers - 1L) * actual.length());
        assertThat(makespan).isLessThanOrEqualTo(2 * actual.lowerBound(workers));
    }

    @Property(tries = 200)
    void aFailedTaskMakesExactlyItsDescendantsUnreachableAndEverythingElseStillRuns(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 80) int size,
            @ForAll @IntRange(min = 1, max = 8) int workers, @ForAll("shapes") RandomDags.Shape shape,
            @ForAll @IntRange(min = 0, max = 1000) int pick) {
        TaskGraph graph = TaskGraph.of(RandomDags.plan(seed, size, shape));
        String failing = graph.id(pick % size);
        Scheduler scheduler = new Scheduler(graph.criticalPath(), workers);
        List<String> unreachable = new ArrayList<>();
        Set<String> started = new HashSet<>();
        List<String> running = new ArrayList<>();
        while (!scheduler.finished()) {
            List<String> next = scheduler.next();
            started.addAll(next);
            running.addAll(next);
            assertThat(running).as("something runs while the run is unfinished").isNotEmpty();
            String finishing = running.remove(0);
            if (finishing.equals(failing)) {
                unreachable.addAll(scheduler.failed(finishing));
            } else {
                scheduler.completed(finishing);
            }
        }

        assertThat(unreachable).containsExactlyElementsOf(graph.descendants(failing));
        assertThat(started).filteredOn(unreachable::contains).isEmpty();
        Set<String> rest = new HashSet<>(graph.topologicalOrder());
        rest.removeAll(unreachable);
        rest.remove(failing);
        assertThat(scheduler.inState(Scheduler.State.DONE)).containsExactlyInAnyOrderElementsOf(rest);
        assertThat(scheduler.state(failing)).isEqualTo(Scheduler.State.FAILED);
    }

    @Property(tries = 200)
    void aFailureThatIsReopenedLosesNothing(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 80) int size,
            @ForAll @IntRange(min = 1, max = 8) int workers, @ForAll("shapes") RandomDags.Shape shape,
            @ForAll @IntRange(min = 0, max = 1000) int pick, @ForAll @IntRange(min = 0, max = 20) int delay) {
        TaskGraph graph = TaskGraph.of(RandomDags.plan(seed, size, shape));
        String failing = graph.id(pick % size);
        Scheduler scheduler = new Scheduler(graph.criticalPath(), workers);
        List<String> running = new ArrayList<>();
        List<String> startOrder = new ArrayList<>();
        int failedAt = -1;
        // A run whose only unsettled work is the failed task is finished until a person reopens it.
        for (int round = 0; !scheduler.finished() || scheduler.state(failing) == Scheduler.State.FAILED; round++) {
            List<String> next = scheduler.next();
            startOrder.addAll(next);
            running.addAll(next);
            if (failedAt >= 0 && round >= failedAt + delay && scheduler.state(failing) == Scheduler.State.FAILED) {
                List<String> reachable = scheduler.reopen(failing);
                assertThat(reachable).containsExactlyElementsOf(graph.descendants(failing));
                continue;
            }
            if (running.isEmpty()) {
                continue;
            }
            String finishing = running.remove(0);
            if (finishing.equals(failing) && failedAt < 0) {
                scheduler.failed(finishing);
                failedAt = round;
            } else {
                scheduler.completed(finishing);
            }
        }

        assertThat(scheduler.inState(Scheduler.State.DONE)).hasSize(size);
        assertThat(startOrder).hasSize(size + (failedAt >= 0 ? 1 : 0));
    }

    @Property(tries = 200)
    void aResumedRunStartsOnlyWhatWasNotDone(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 80) int size,
            @ForAll @IntRange(min = 1, max = 8) int workers, @ForAll @IntRange(min = 0, max = 80) int doneCount) {
        TaskGraph graph = TaskGraph.of(RandomDags.plan(seed, size, RandomDags.Shape.WINDOW));
        // A prefix of a topological order is closed under dependencies: what a crashed run may have merged.
        Set<String> done = new HashSet<>(graph.topologicalOrder().subList(0, Math.min(doneCount, size)));
        Map<String, Scheduler.State> known = new HashMap<>();
        done.forEach(id -> known.put(id, Scheduler.State.DONE));
        Scheduler scheduler = Scheduler.restore(graph.criticalPath(), workers, known);
        List<String> started = new ArrayList<>();
        while (!scheduler.finished()) {
            List<String> next = scheduler.next();
            started.addAll(next);
            next.forEach(scheduler::completed);
        }

        assertThat(started).filteredOn(done::contains).isEmpty();
        assertThat(started).hasSize(size - done.size()).doesNotHaveDuplicates();
    }

    /** Sweeps the intervals: at equal times a finish frees its worker before the next start takes it. */
    private static int mostRunningAtOnce(ScheduleSimulation.Outcome outcome) {
        int n = outcome.start().length;
        long[][] events = new long[2 * n][];
        for (int i = 0; i < n; i++) {
            events[2 * i] = new long[] {outcome.start()[i], 1};
            events[2 * i + 1] = new long[] {outcome.end()[i], -1};
        }
        Arrays.sort(events, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int most = 0;
        for (long[] event : events) {
            running += (int) event[1];
            most = Math.max(most, running);
        }
        return most;
    }
}
