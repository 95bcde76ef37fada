package dev.kleiber.conductor;

import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.conductor.FakePorts.CountingValidator;
import dev.kleiber.conductor.FakePorts.MemoryWorkspace;
import dev.kleiber.conductor.FakePorts.ScriptedWorker;
import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Router;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the style of db-scheduler's ClusterTests: three conductors, each with its own store connections, race over
 * one run's queue on one embedded PostgreSQL and on one SQLite file. Every task is claimed once, merged once, by
 * some conductor; every conductor does some of the work; no lease, reservation or stale write is left over.
 */
class ConductorClusterTest {
    private static final String RUN = "cluster-run";
    private static final List<String> ROLES = List.of("conductor-a", "conductor-b", "conductor-c");

    @TempDir
    Path tmp;

    private static PlannedTask task(String id, String... dependsOn) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", "Add pagination to the " + id + " endpoint",
                List.of("it works"), Optional.empty(), Optional.empty(), Arrays.asList(dependsOn), Priority.P1,
                List.of(), Optional.empty());
    }

    /** Six tasks ready at once (two per conductor), then two waves that wait for merges. */
    private static Plan twelveTasks() {
        return new Plan(List.of(task("t00"), task("t01"), task("t02"), task("t03"), task("t04"), task("t05"),
                task("t06", "t00", "t01"), task("t07", "t02"), task("t08", "t03", "t04"), task("t09", "t05"),
                task("t10", "t06", "t07"), task("t11", "t08", "t09")));
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void threeConductorsOnOneStoreMergeEveryTaskExactlyOnce(TestStores.Kind kind) throws Exception {
        StoreUrl url = TestStores.fresh(kind, tmp);
        MemoryWorkspace workspace = new MemoryWorkspace(tmp.resolve("repository"));
        // each conductor's first attempt waits until all three have one, so each provably takes part
        Set<String> started = ConcurrentHashMap.newKeySet();
        Map<String, String> ranBy = new ConcurrentHashMap<>();
        List<Store> stores = new ArrayList<>();
        List<RunHandle> handles = new ArrayList<>();
        Plan plan = twelveTasks();
        try {
            for (String role : ROLES) {
                Store store = Store.open(url, Clock.systemUTC());
                stores.add(store);
                Conductor conductor = conductor(store, role, workspace, assignment -> {
                    ranBy.merge(assignment.task().id(), role, (a, b) -> a + "," + b);
                    started.add(role);
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (started.size() < ROLES.size() && System.nanoTime() < until) {
                        pause(5);
                    }
                    pause(15);
                    return new WorkOutcome.Completed("did " + assignment.task().id());
                });
                handles.add(role.equals(ROLES.getFirst())
                        ? conductor.start(RUN, "a request", plan, new PlanFileWriter().write(plan), 2)
                        : conductor.resume(RUN, 2));
            }
            List<RunOutcome> outcomes = new ArrayList<>();
            for (RunHandle handle : handles) {
                outcomes.add(handle.completion().get(60, TimeUnit.SECONDS));
            }

            Store store = stores.getFirst();
            List<String> ids = plan.tasks().stream().map(PlannedTask::id).toList();
            assertThat(workspace.merged).as("merged exactly once each").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(store.tasks().ofRun(RUN)).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TaskState.MERGED);
                assertThat(t.attempts()).as(t.id() + " claimed once").isEqualTo(1);
            });
            assertThat(ranBy).as("no task ran twice").allSatisfy((id, roles) -> assertThat(roles).doesNotContain(","));
            Map<String, Long> perHolder = store.database().read(tx -> tx.query(
                    "SELECT holder FROM attempts WHERE run_id = ?", rs -> rs.getString(1), RUN)).stream()
                    .collect(Collectors.groupingBy(holder -> holder.substring(0, holder.indexOf('-', "conductor-".length())),
                            Collectors.counting()));
            assertThat(perHolder.keySet()).as("every conductor did some").containsExactlyInAnyOrderElementsOf(ROLES);
            assertThat(count(store, "SELECT COUNT(*) FROM leases WHERE subject IS NOT NULL")).as("task leases left").isZero();
            assertThat(count(store, "SELECT COUNT(*) FROM reservations")).as("reservations left").isZero();
            assertThat(count(store, "SELECT COUNT(*) FROM events WHERE kind = 'task.stale_write_refused'")).isZero();
            assertThat(outcomes).allSatisfy(o -> assertThat(o.merged()).hasSize(12));
        } finally {
            for (RunHandle handle : handles) {
                handle.stop();
            }
            stores.forEach(Store::close);
        }
    }

    private Conductor conductor(Store store, String role, MemoryWorkspace workspace,
                                Function<Worker.Assignment, WorkOutcome> work) {
        ProjectConfig project = new ProjectConfig(new ProjectLayout(tmp.resolve(role)), KleiberConfig.defaults(), Map.of());
        Ledger ledger = new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS, Clock.systemUTC());
        return Conductor.builder(store, ledger, project)
                .router(new Router(RoutingPolicies.load(Optional.empty())))
                .worker(new ScriptedWorker(work))
                .workspace(workspace)
                .validator(CountingValidator.passing())
                .role(role)
                .build();
    }

    private static long count(Store store, String sql) {
        return store.database().read(tx -> tx.number(sql));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
