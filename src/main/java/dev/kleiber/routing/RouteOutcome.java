package dev.kleiber.routing;

import java.time.Instant;
import java.util.List;

/**
 * What came of one routed task: the route (starting tier, the rules that shaped it, forced review) and the
 * outcome (attempts, whether the first passed validation, validation failures, escalation a tier up, review
 * rejections, whether its diff touched sensitive code, cost in millionths of a dollar, final state).
 */
public record RouteOutcome(String runId, String taskId, Tier tier, List<String> rules, boolean forced, int attempts,
                           boolean firstAttemptPassed, int validationFailures, boolean escalated, int reviewRejections,
                           boolean diffSensitive, long costPusd, String finalState, Instant recordedAt) {
    public RouteOutcome {
        rules = List.copyOf(rules);
    }

    /** Escalated or failed validation: the signal that the tier was too low for this kind of task. */
    public boolean struggled() {
        return escalated || validationFailures > 0;
    }

    /** A forced review a person needed: the reviewer rejected the work, or its diff touched sensitive code. */
    public boolean reviewConfirmed() {
        return reviewRejections > 0 || diffSensitive;
    }
}
