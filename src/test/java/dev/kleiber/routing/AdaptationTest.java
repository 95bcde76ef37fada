package dev.kleiber.routing;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Learning from a simulated history of outcomes, newest first. */
class AdaptationTest {
    private static final Learning ON = Learning.DEFAULTS;
    private static final RoutingPolicy POLICY = new PolicyReader().bundled();
    private static final String DTO_TASK = "Create DTO classes for the shipment tracking API responses";

    private static RouteOutcome outcome(int n, String rule, Tier tier, boolean escalated, int validationFailures,
                                        boolean forced) {
        return new RouteOutcome("run-" + n, "t" + n, tier, List.of(Router.ROLE_DEFAULT, rule), forced, 1,
                !escalated && validationFailures == 0, validationFailures, escalated, 0, false, 1_000, "merged",
                Instant.ofEpochSecond(1_000_000 - n));
    }

    /** Four of the five newest DTO tasks on haiku escalated; older ones went fine. */
    private static List<RouteOutcome> dtoHistory() {
        List<RouteOutcome> history = new ArrayList<>();
        history.add(outcome(1, "boilerplate.dto", Tier.HAIKU, true, 0, false));
        history.add(outcome(2, "boilerplate.dto", Tier.HAIKU, true, 1, false));
        history.add(outcome(3, "boilerplate.dto", Tier.HAIKU, false, 0, false));
        history.add(outcome(4, "boilerplate.dto", Tier.HAIKU, true, 0, false));
        history.add(outcome(5, "boilerplate.dto", Tier.HAIKU, false, 2, false));
        for (int i = 6; i < 20; i++) {
            history.add(outcome(i, "boilerplate.dto", Tier.HAIKU, false, 0, false));
        }
        return history;
    }

    @Test
    void aClassWhoseRecentTasksEscalateStartsOneTierUpWithTheEvidenceAsItsReason() {
        Router router = new Router(POLICY, SensitivePaths.DEFAULTS, Adaptation.from(dtoHistory(), ON));
        RoutingDecision decision = router.route(RoutingRequest.of(DTO_TASK));

        assertThat(decision.tier()).isEqualTo(Tier.SONNET);
        assertThat(decision.humanReview()).isFalse();
        assertThat(decision.reasons()).contains(new Reason(Adaptation.LEARNED,
                "learned: 4 of 5 recent tasks of rule boilerplate.dto on haiku escalated or failed validation"));
        assertThat(new Router(POLICY).route(RoutingRequest.of(DTO_TASK)).tier()).isEqualTo(Tier.HAIKU);
    }

    @Test
    void onlyTheRecentWindowCountsAndTooFewTasksSayNothing() {
        List<RouteOutcome> recovered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recovered.add(outcome(i, "boilerplate.dto", Tier.HAIKU, false, 0, false));
        }
        recovered.addAll(dtoHistory());
        List<RouteOutcome> twoBad = List.of(outcome(1, "boilerplate.dto", Tier.HAIKU, true, 0, false),
                outcome(2, "boilerplate.dto", Tier.HAIKU, true, 0, false));

        assertThat(Adaptation.from(recovered, ON).raises()).isEmpty();
        assertThat(Adaptation.from(twoBad, ON).raises()).isEmpty();
        assertThat(Adaptation.from(dtoHistory(), new Learning(true, 5, 0.85)).raises()).isEmpty();
    }

    @Test
    void learningNeverLowersAForcedClassAndForcedOutcomesTeachNothing() {
        List<RouteOutcome> history = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            history.add(outcome(i, "forced.payments", Tier.OPUS, true, 1, true));
            history.add(outcome(10 + i, "sonnet.endpoints", Tier.SONNET, false, 0, false));
        }
        Router router = new Router(POLICY, SensitivePaths.DEFAULTS, Adaptation.from(history, ON));
        RoutingDecision refund = router.route(RoutingRequest.of("Add refunds for cancelled orders"));

        assertThat(Adaptation.from(history, ON).raises()).isEmpty();
        assertThat(refund.tier()).isEqualTo(Tier.OPUS);
        assertThat(refund.humanReview()).isTrue();
        assertThat(refund.reasons()).extracting(Reason::ruleId).doesNotContain(Adaptation.LEARNED);
    }

    @Test
    void aRaisedClassDoesNotTouchAForcedTaskThatSharesTheRule() {
        Router router = new Router(POLICY, SensitivePaths.DEFAULTS, Adaptation.from(dtoHistory(), ON));
        RoutingDecision forced = router.route(RoutingRequest.of("Create DTO classes for the refund API responses"));

        assertThat(forced.tier()).isEqualTo(Tier.OPUS);
        assertThat(forced.humanReview()).isTrue();
        assertThat(forced.reasons()).extracting(Reason::ruleId).doesNotContain(Adaptation.LEARNED);
    }

    @Test
    void switchedOffNothingIsLearned() {
        Adaptation off = Adaptation.from(dtoHistory(), Learning.OFF);
        Router router = new Router(POLICY, SensitivePaths.DEFAULTS, off);

        assertThat(off.raises()).isEmpty();
        assertThat(router.route(RoutingRequest.of(DTO_TASK)).tier()).isEqualTo(Tier.HAIKU);
    }

    @Test
    void statsCountPerRuleAndTierWithForcedReviewPrecision() {
        List<RouteOutcome> history = new ArrayList<>(dtoHistory().subList(0, 5));
        history.add(new RouteOutcome("r", "pay1", Tier.OPUS, List.of("forced.payments"), true, 1, true, 0, false, 1,
                false, 2_000_000, "merged", Instant.EPOCH));
        history.add(new RouteOutcome("r", "pay2", Tier.OPUS, List.of("forced.payments"), true, 1, true, 0, false, 0,
                false, 2_000_000, "merged", Instant.EPOCH));
        RouteStats stats = RouteStats.of(history, Adaptation.from(history, ON));

        RouteStats.Row dto = stats.byRule().stream().filter(r -> r.name().equals("boilerplate.dto")).findFirst().orElseThrow();
        assertThat(dto.tasks()).isEqualTo(5);
        assertThat(dto.escalationRate()).isEqualTo(0.6);
        assertThat(dto.firstAttemptPassRate()).isEqualTo(0.2);
        assertThat(dto.forcedReviewPrecision()).isEmpty();
        RouteStats.Row payments = stats.byRule().stream().filter(r -> r.name().equals("forced.payments")).findFirst()
                .orElseThrow();
        assertThat(payments.forcedReviewPrecision()).contains(0.5);
        assertThat(payments.costUsd()).isEqualByComparingTo("4.0000");
        assertThat(stats.byTier()).extracting(RouteStats.Row::name).containsExactly("haiku", "opus");
        assertThat(stats.raises()).extracting(Adaptation.Raise::rule).containsExactly("boilerplate.dto");
    }
}
