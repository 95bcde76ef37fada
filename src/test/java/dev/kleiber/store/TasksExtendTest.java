package dev.kleiber.store;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TasksExtendTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aRunningPlanGrowsByATaskThatAnExistingTaskThenWaitsFor(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.fresh(kind, dir), new ManualClock())) {
            store.runs().create("r1", "quotes");
            store.tasks().add("r1", List.of(new Tasks.NewTask("quote", "engineer-backend", Tier.SONNET, List.of())));
            store.tasks().transition("r1", "quote", TaskState.QUEUED, "ready");

            store.tasks().extend("r1", List.of(new Tasks.NewTask("currency", "engineer-backend", Tier.HAIKU, List.of())),
                    Map.of("quote", List.of("currency")), "run.plan", "tasks: [quote, currency]");

            assertThat(store.tasks().find("r1", "quote").orElseThrow().dependsOn()).containsExactly("currency");
            assertThat(store.tasks().find("r1", "currency").orElseThrow().state()).isEqualTo(TaskState.PLANNED);
            assertThat(store.events().ofRun("r1")).anyMatch(e -> e.kind().equals("run.plan")
                    && e.detail().equals("tasks: [quote, currency]"));
            // the queued task no longer starts before its new dependency merges
            assertThat(store.tasks().claim("r1", List.of("quote"), "w", Duration.ofMinutes(1))).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aDependencyOnAnUnknownTaskChangesNothing(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.fresh(kind, dir), new ManualClock())) {
            store.runs().create("r1", "quotes");
            store.tasks().add("r1", List.of(new Tasks.NewTask("quote", "engineer-backend", Tier.SONNET, List.of())));

            assertThatThrownBy(() -> store.tasks().extend("r1", List.of(new Tasks.NewTask("currency", "engineer-backend",
                    Tier.HAIKU, List.of())), Map.of("quote", List.of("nowhere")), "run.plan", "x"))
                    .isInstanceOf(KleiberException.class).hasMessageContaining("nowhere");

            assertThat(store.tasks().ofRun("r1")).extracting(TaskRecord::id).containsExactly("quote");
            assertThat(store.events().ofRun("r1")).noneMatch(e -> e.kind().equals("run.plan"));
        }
    }
}
