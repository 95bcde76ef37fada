package dev.kleiber.store;

import dev.kleiber.routing.RouteOutcome;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteOutcomesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void recordsReplacesAndReadsBackPerRepositoryNewestFirst(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.fresh(kind, dir), Clock.systemUTC())) {
            RouteOutcomes outcomes = new RouteOutcomes(store.database());
            RouteOutcome first = new RouteOutcome("run-1", "dto", Tier.HAIKU, List.of("role.default", "boilerplate.dto"),
                    false, 1, true, 0, false, 0, false, 1_500, "merged", Instant.ofEpochSecond(100));
            RouteOutcome later = new RouteOutcome("run-2", "refund", Tier.OPUS, List.of("forced.payments"), true, 2, false,
                    1, true, 1, true, 42_000, "awaiting_review", Instant.ofEpochSecond(200));
            outcomes.record("/repo/a", first);
            outcomes.record("/repo/a", later);
            outcomes.record("/repo/b", new RouteOutcome("run-3", "x", Tier.SONNET, List.of(), false, 1, true, 0, false, 0,
                    false, 0, "merged", Instant.ofEpochSecond(300)));
            RouteOutcome resumed = new RouteOutcome("run-2", "refund", Tier.OPUS, List.of("forced.payments"), true, 3,
                    false, 1, true, 1, true, 50_000, "merged", Instant.ofEpochSecond(250));
            outcomes.record("/repo/a", resumed);

            assertThat(outcomes.recent("/repo/a")).containsExactly(resumed, first);
            assertThat(outcomes.recent("/repo/b")).singleElement().extracting(RouteOutcome::rules).isEqualTo(List.of());
            assertThat(outcomes.costPusd("run-9", "none")).isZero();
        }
    }
}
