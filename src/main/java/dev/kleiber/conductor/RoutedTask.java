package dev.kleiber.conductor;

import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.routing.RoutingDecision;
import dev.kleiber.routing.Tier;

/**
 * A planned task with the router's decision and the tier it starts on: the router's tier, or the plan's
 * explicit model raised to the decision's floor (a forced task never runs below Opus).
 */
public record RoutedTask(PlannedTask task, RoutingDecision decision, Tier tier) {

    static RoutedTask of(PlannedTask task, RoutingDecision decision) {
        Tier tier = task.model().map(m -> Tier.max(m, decision.floor())).orElse(decision.tier());
        return new RoutedTask(task, decision, tier);
    }

    public String id() {
        return task.id();
    }

    public String agent() {
        return task.agent();
    }

    /** Forced-review tasks stop at awaiting_review after validation. */
    public boolean needsReview() {
        return decision.humanReview();
    }

    public String branch() {
        return TaskIds.branch("feature", task.id(), task.title());
    }

    /** The reasons as one line each: {@code forced.payments: "payment"}. */
    public String reasons() {
        StringBuilder text = new StringBuilder();
        decision.reasons().forEach(r -> text.append("- ").append(r.ruleId()).append(": ").append(r.evidence()).append('\n'));
        return text.toString();
    }
}
