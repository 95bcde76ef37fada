package dev.kleiber.routing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code kleiber route stats}: per rule and per tier, how the routed tasks fared. Pure.
 *
 * @param byRule  one row per rule (a task counts under each rule that shaped its route)
 * @param byTier  one row per starting tier
 * @param raises  the classes learning raises now
 */
public record RouteStats(List<Row> byRule, List<Row> byTier, List<Adaptation.Raise> raises) {

    public RouteStats {
        byRule = List.copyOf(byRule);
        byTier = List.copyOf(byTier);
        raises = List.copyOf(raises);
    }

    /**
     * One group of tasks: how many, how many passed validation on the first attempt, escalated, failed validation
     * at least once, their cost; how many had review forced and how many of those a person needed (rejected, or
     * the diff touched sensitive code) — the forced-review precision.
     */
    public record Row(String name, int tasks, int firstAttemptPassed, int escalated, int failedValidation,
                      long costPusd, int forced, int forcedConfirmed) {
        public double firstAttemptPassRate() {
            return rate(firstAttemptPassed, tasks);
        }

        public double escalationRate() {
            return rate(escalated, tasks);
        }

        /** Empty when no review was forced. */
        public java.util.Optional<Double> forcedReviewPrecision() {
            return forced == 0 ? java.util.Optional.empty() : java.util.Optional.of(rate(forcedConfirmed, forced));
        }

        public BigDecimal costUsd() {
            return BigDecimal.valueOf(costPusd, 6).setScale(4, RoundingMode.HALF_UP);
        }

        Row plus(RouteOutcome o) {
            return new Row(name, tasks + 1, firstAttemptPassed + (o.firstAttemptPassed() ? 1 : 0),
                    escalated + (o.escalated() ? 1 : 0), failedValidation + (o.validationFailures() > 0 ? 1 : 0),
                    costPusd + o.costPusd(), forced + (o.forced() ? 1 : 0),
                    forcedConfirmed + (o.forced() && o.reviewConfirmed() ? 1 : 0));
        }

        private static double rate(int part, int whole) {
            return whole == 0 ? 0 : (double) part / whole;
        }
    }

    public static RouteStats of(List<RouteOutcome> outcomes, Adaptation adaptation) {
        Map<String, Row> byRule = new TreeMap<>();
        Map<String, Row> byTier = new LinkedHashMap<>();
        for (Tier tier : List.of(Tier.HAIKU, Tier.SONNET, Tier.OPUS)) {
            byTier.put(tier.id(), empty(tier.id()));
        }
        for (RouteOutcome o : outcomes) {
            for (String rule : Adaptation.classes(o.rules())) {
                byRule.put(rule, byRule.getOrDefault(rule, empty(rule)).plus(o));
            }
            byTier.put(o.tier().id(), byTier.get(o.tier().id()).plus(o));
        }
        return new RouteStats(new ArrayList<>(byRule.values()),
                byTier.values().stream().filter(r -> r.tasks() > 0).toList(), adaptation.raises());
    }

    private static Row empty(String name) {
        return new Row(name, 0, 0, 0, 0, 0, 0, 0);
    }
}
