package dev.kleiber.conductor;

import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.conductor.FakePorts.CountingValidator;
import dev.kleiber.conductor.FakePorts.MemoryWorkspace;
import dev.kleiber.conductor.FakePorts.Recorder;
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
import dev.kleiber.store.StoredRunEvent;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Contract A: whatever a conductor's listeners hear is already in the store's run_events, in the same order. */
class RunEventRecorderTest {
    private static final String RUN = "run-events";

    @TempDir
    Path tmp;

    private static PlannedTask task(String id, String... dependsOn) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", "Add pagination to the " + id + " endpoint",
                List.of("it works"), Optional.empty(), Optional.empty(), List.of(dependsOn), Priority.P1, List.of(),
                Optional.empty());
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void everyEventOfARunIsKeptBeforeAListenerHearsIt(TestStores.Kind kind) {
        Instant start = Instant.parse("2026-12-07T03:00:00Z");
        try (Store store = Store.open(TestStores.fresh(kind, tmp), Clock.systemUTC())) {
            Ledger ledger = new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS,
                    Clock.systemUTC());
            ProjectConfig project = new ProjectConfig(new ProjectLayout(tmp), KleiberConfig.defaults(), Map.of());
            Recorder heard = new Recorder();
            // each event a listener hears must already be in the store, with the latest seq
            AtomicInteger missing = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            ScriptedWorker worker = new ScriptedWorker(a -> failures.getAndIncrement() == 0
                    ? new WorkOutcome.Failed("ran out of turns") : new WorkOutcome.Completed("done"));
            Conductor conductor = Conductor.builder(store, ledger, project)
                    .router(new Router(RoutingPolicies.load(Optional.empty())))
                    .worker(worker).workspace(new MemoryWorkspace(tmp)).validator(CountingValidator.passing())
                    .clock(Clock.fixed(start, ZoneOffset.UTC))
                    .transientRetries(1, Duration.ofMillis(1))
                    .listener(event -> {
                        List<StoredRunEvent> kept = store.runEvents().after(RUN, store.runEvents().latestSeq(RUN) - 1, 1);
                        if (kept.isEmpty() || !RunEventJson.read(kept.getFirst().json()).equals(event)) {
                            missing.incrementAndGet();
                        }
                    })
                    .listener(heard)
                    .build();
            Plan plan = new Plan(List.of(task("a"), task("b", "a")));

            RunOutcome outcome = conductor.start(RUN, "a request", plan, new PlanFileWriter().write(plan), 1).await();

            assertThat(outcome.merged()).containsExactlyInAnyOrder("a", "b");
            assertThat(missing).hasValue(0);
            List<StoredRunEvent> kept = store.runEvents().after(RUN, 0, 1000);
            assertThat(kept).extracting(e -> RunEventJson.read(e.json())).containsExactlyElementsOf(heard.events);
            assertThat(kept).extracting(StoredRunEvent::kind).contains("TaskPlanned", "TaskStarted", "Retried",
                    "TaskQueued", "Validated", "Merged").endsWith("RunFinished");
            assertThat(kept).allSatisfy(e -> {
                assertThat(e.at()).isEqualTo(start);
                assertThat(e.runId()).isEqualTo(RUN);
                assertThat(RunEventJson.at(e.json())).isEqualTo(start);
            });
            assertThat(kept).filteredOn(e -> e.kind().equals("Merged")).extracting(StoredRunEvent::taskId)
                    .containsExactly("a", "b");
            assertThat(kept.getLast().taskId()).isEmpty();
            assertThat(store.runEvents().latestSeq(RUN)).isEqualTo(kept.getLast().seq());
        }
    }
}
