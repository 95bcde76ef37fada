package dev.kleiber.conductor;

import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.PolicyReader;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan's suggested model against the router: it may lower an ordinary task, never a forced one. */
class RoutedTaskTest {
    private static final Router ROUTER = new Router(new PolicyReader().bundled());

    private static PlannedTask task(String agent, String description, Optional<Tier> model) {
        return new PlannedTask("t-1", "A task", agent, description, List.of("It works"), Optional.empty(),
                Optional.empty(), List.of(), Priority.P1, List.of(), model);
    }

    @Test
    void aForcedTaskStaysOnOpusWithReviewWhateverThePlanSuggests() {
        for (String description : List.of("Implement refunds in the payment processing service",
                "Add password reset to the login flow")) {
            RoutedTask routed = RoutedTask.route(task("engineer-backend", description, Optional.of(Tier.HAIKU)), ROUTER);

            assertThat(routed.tier()).as(description).isEqualTo(Tier.OPUS);
            assertThat(routed.needsReview()).as(description).isTrue();
            assertThat(routed.decision().reasons()).as(description)
                    .anyMatch(r -> r.ruleId().startsWith("forced."));
        }
    }

    @Test
    void anOrdinaryTaskTakesThePlansSuggestionEvenBelowTheRouter() {
        PlannedTask endpoint = task("engineer-backend", "Add pagination to the search results endpoint", Optional.of(Tier.HAIKU));

        RoutedTask routed = RoutedTask.route(endpoint, ROUTER);

        assertThat(routed.decision().tier()).isEqualTo(Tier.SONNET);
        assertThat(routed.tier()).isEqualTo(Tier.HAIKU);
        assertThat(routed.needsReview()).isFalse();
    }

    @Test
    void withoutASuggestionTheRouterDecides() {
        RoutedTask routed = RoutedTask.route(task("engineer-backend", "Add pagination to the search results endpoint",
                Optional.empty()), ROUTER);

        assertThat(routed.tier()).isEqualTo(Tier.SONNET);
    }

    @Test
    void theFilesAPlanTouchesCountForRouting() {
        PlannedTask task = new PlannedTask("t-2", "Change the search settings", "engineer-backend",
                "Set the page size of search to 50.", List.of("Search returns 50 results a page"), Optional.empty(),
                Optional.empty(), List.of(), Priority.P1, List.of("config/search.yaml"), Optional.empty());

        RoutedTask routed = RoutedTask.route(task, ROUTER);

        assertThat(routed.decision().reasons()).as(routed.reasons()).anyMatch(r -> r.ruleId().equals("boilerplate.config"));
        assertThat(routed.tier()).isEqualTo(Tier.HAIKU);
    }
}
