package dev.kleiber.routing;

/**
 * How routing learns from a repository's outcomes ({@code routing.learning} in kleiber.yaml): when more than
 * {@code threshold} of the last {@code window} tasks a rule routed to a tier escalated or failed validation,
 * that rule's tasks start one tier up. Forced classes are never lowered; learning only ever raises.
 */
public record Learning(boolean enabled, int window, double threshold) {
    public static final Learning DEFAULTS = new Learning(true, 5, 0.5);
    public static final Learning OFF = new Learning(false, 5, 0.5);

    public Learning {
        if (window < 2) {
            throw new IllegalArgumentException("the learning window needs at least 2 tasks: " + window);
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("the learning threshold is a share between 0 and 1: " + threshold);
        }
    }
}
