package dev.kleiber.routing;

import java.util.List;
import java.util.Optional;

/**
 * What the router looks at: the task text, the role that will do it (none: a worker), and what the planner
 * knows besides the text.
 */
public record RoutingRequest(String text, Optional<String> role, Hints hints) {

    /**
     * What the planner may know about a task beyond its description.
     *
     * @param filesTouched     paths the task will change, as the repository spells them
     * @param servicesTouched  services the task will change
     * @param estimatedMinutes the planner's estimate of how long the task takes
     * @param reversible       whether undoing the change is a plain revert
     * @param declaredRisk     a risk category the planner declared ({@code auth}, {@code payments}): forces review
     */
    public record Hints(List<String> filesTouched, List<String> servicesTouched, Optional<Integer> estimatedMinutes,
                        Optional<Boolean> reversible, Optional<String> declaredRisk) {
        public static final Hints NONE = new Hints(List.of(), List.of(), Optional.empty(), Optional.empty());

        public Hints {
            filesTouched = List.copyOf(filesTouched);
            servicesTouched = List.copyOf(servicesTouched);
            declaredRisk = declaredRisk.map(String::strip).filter(r -> !r.isEmpty());
        }

        /** Hints with no declared risk. */
        public Hints(List<String> filesTouched, List<String> servicesTouched, Optional<Integer> estimatedMinutes,
                     Optional<Boolean> reversible) {
            this(filesTouched, servicesTouched, estimatedMinutes, reversible, Optional.empty());
        }
    }

    public static RoutingRequest of(String text) {
        return new RoutingRequest(text, Optional.empty(), Hints.NONE);
    }

    public static RoutingRequest of(String text, String role) {
        return new RoutingRequest(text, Optional.of(role), Hints.NONE);
    }
}
