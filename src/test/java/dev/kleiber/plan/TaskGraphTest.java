package dev.kleiber.plan;

import dev.kleiber.protocol.Priority;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskGraphTest {
    /**
     * <pre>
     *   design ─▶ column ─▶ api ─▶ dashboard
     *                        └───▶ docs
     *   logging (alone)
     * </pre>
     */
    private final TaskGraph graph = TaskGraph.of(plan(
            task("dashboard", Priority.P1, "api"),
            task("docs", Priority.P2, "api"),
            task("api", Priority.P1, "column"),
            task("logging", Priority.P0),
            task("column", Priority.P0, "design"),
            task("design", Priority.P0)));

    @Test
    void ordersEveryTaskAfterItsDependenciesPreferringPlanOrder() {
        assertThat(graph.topologicalOrder()).containsExactly("logging", "design", "column", "api", "dashboard", "docs");
    }

    @Test
    void knowsDependenciesDependentsAndDescendants() {
        assertThat(graph.dependencies("api")).containsExactly("column");
        assertThat(graph.dependents("api")).containsExactly("dashboard", "docs");
        assertThat(graph.descendants("column")).containsExactly("api", "dashboard", "docs");
        assertThat(graph.descendants("logging")).isEmpty();
        assertThat(graph.task("nope")).isEmpty();
    }

    @Test
    void readyTasksAreThoseWhoseDependenciesAreDone() {
        assertThat(graph.ready(Set.of())).containsExactly("logging", "design");
        assertThat(graph.ready(Set.of("design", "logging"))).containsExactly("column");
        assertThat(graph.ready(Set.of("design", "column", "api"))).containsExactly("dashboard", "docs", "logging");
    }

    @Test
    void unitCriticalPathsCountTasksToTheEnd() {
        CriticalPath path = graph.criticalPath();

        assertThat(path.length()).isEqualTo(4);
        assertThat(path.path()).containsExactly("design", "column", "api", "dashboard");
        assertThat(path.remaining("design")).isEqualTo(4);
        assertThat(path.remaining("logging")).isEqualTo(1);
        assertThat(path.totalWork()).isEqualTo(6);
        assertThat(path.lowerBound(1)).isEqualTo(6);
        assertThat(path.lowerBound(2)).isEqualTo(4);
        // Ties on remaining path go to p0 before p1 before p2, then to the id.
        assertThat(path.order()).containsExactly("design", "column", "api", "logging", "dashboard", "docs");
    }

    @Test
    void estimatesChangeTheCriticalPath() {
        Map<String, Long> estimate = Map.of("design", 2L, "column", 1L, "api", 3L, "dashboard", 1L, "docs", 5L,
                "logging", 20L);
        CriticalPath path = graph.criticalPath(t -> estimate.get(t.id()));

        assertThat(path.length()).isEqualTo(20);
        assertThat(path.path()).containsExactly("logging");
        assertThat(path.remaining("design")).isEqualTo(2 + 1 + 3 + 5);
        assertThat(path.remaining("api")).isEqualTo(8);
        assertThat(path.lowerBound(2)).isEqualTo(Math.max(20, (32 + 1) / 2));
        assertThat(path.order()).startsWith("logging", "design", "column", "api", "docs");
        assertThatThrownBy(() -> graph.criticalPath(t -> -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesWhatTheParsersNeverProduce() {
        assertThatThrownBy(() -> TaskGraph.of(plan(task("a", Priority.P1, "b"), task("b", Priority.P1, "a"))))
                .hasMessageContaining("cycle");
        assertThatThrownBy(() -> TaskGraph.of(plan(task("a", Priority.P1, "zzz")))).hasMessageContaining("zzz");
        assertThatThrownBy(() -> TaskGraph.of(plan(task("a", Priority.P1), task("a", Priority.P1))))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> graph.dependencies("zzz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLongChainNeitherOverflowsNorSlowsDown() {
        int n = 50_000;
        PlannedTask[] tasks = new PlannedTask[n];
        for (int i = 0; i < n; i++) {
            tasks[i] = i == 0 ? task("t-0", Priority.P1) : task("t-" + i, Priority.P1, "t-" + (i - 1));
        }
        TaskGraph chain = TaskGraph.of(plan(tasks));

        assertThat(chain.criticalPath().length()).isEqualTo(n);
        assertThat(chain.descendants("t-0")).hasSize(n - 1);
    }

    static PlannedTask task(String id, Priority priority, String... dependsOn) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", "Do " + id, List.of("done"), Optional.empty(),
                Optional.empty(), Arrays.asList(dependsOn), priority, List.of(), Optional.empty());
    }

    static Plan plan(PlannedTask... tasks) {
        return new Plan(List.of(tasks));
    }
}
