package dev.kleiber.routing;

import java.util.List;

/** A decision with every rule the router considered, for {@code kleiber route --explain}. */
public record Explanation(RoutingDecision decision, List<Considered> considered) {

    public Explanation {
        considered = List.copyOf(considered);
    }

    /** What became of a rule for this task. */
    public enum Outcome {
        /** It matched and shaped the tier. */
        APPLIED,
        /** It matched but another rule or a fixed role decided. */
        OUTWEIGHED,
        /** It matched, but the text reads as only a cosmetic or documentation change. */
        SKIPPED_COSMETIC,
        /** Nothing in the task matched it. */
        NO_MATCH,
        /** The project's policy switched it off. */
        DISABLED
    }

    /** One rule as considered: its id, what it would do, what became of it and why. */
    public record Considered(String ruleId, String effect, Outcome outcome, String evidence) {
    }
}
