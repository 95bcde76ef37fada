package dev.kleiber.conductor;

import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.RoutingDecision;
import dev.kleiber.routing.RoutingRequest;
import dev.kleiber.routing.Tier;

import java.util.List;
import java.util.Optional;

/**
 * A planned task with the router's decision and the tier it starts on: the router's tier, or the plan's
 * explicit model raised to the decision's floor (a forced task never runs below Opus).
 */
public record RoutedTask(PlannedTask task, RoutingDecision decision, Tier tier) {

    /**
     * Routes {@code task} on what it says (title, description, acceptance, context) and the files it expects to
     * touch; the plan's suggested model is then applied, never below the decision's floor.
     */
    public static RoutedTask route(PlannedTask task, Router router) {
        String text = task.title() + "\n" + task.description() + "\n" + String.join("\n", task.acceptance())
                + task.context().map(c -> "\n" + c).orElse("");
        RoutingRequest request = new RoutingRequest(text, Optional.of(task.agent()),
                new RoutingRequest.Hints(task.files(), List.of(), Optional.empty(), Optional.empty(), task.risk()));
        return of(task, router.route(request));
    }

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
