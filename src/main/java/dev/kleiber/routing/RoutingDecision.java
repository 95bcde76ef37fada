package dev.kleiber.routing;

import java.util.List;

/**
 * The router's answer.
 *
 * @param tier        the model tier to run the task on
 * @param humanReview whether a person must approve the work before it merges (the blueprint's forced set)
 * @param reasons     the role's starting tier first ({@code role.default}), then every rule that shaped the tier
 * @param roleDefault the tier the role (or the workers' default) gave before any rule
 * @param floor       the lowest tier anyone may later assign to this task: opus for the forced set, PII and
 *                    fixed roles, else haiku. A planner that wants to lower a tier must stay at or above it.
 */
public record RoutingDecision(Tier tier, boolean humanReview, List<Reason> reasons, Tier roleDefault, Tier floor) {

    public RoutingDecision {
        reasons = List.copyOf(reasons);
    }

    /** True when a rule of the blueprint's forced set matched: opus and human review, not negotiable. */
    public boolean isForced() {
        return humanReview;
    }

    /** Whether {@code proposed} may replace this decision's tier without breaking a safety rule. */
    public boolean allows(Tier proposed) {
        return proposed.isAtLeast(floor);
    }
}
