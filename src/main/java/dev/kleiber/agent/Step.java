package dev.kleiber.agent;

/** How one tool's work ended, before {@link ToolExecutor} turns it into a result and an event. */
sealed interface Step {
    /** {@code text} goes to the model; {@code outcome} is the short line for the event record. */
    record Done(String text, String outcome) implements Step {
    }

    record Refused(String reason) implements Step {
    }

    record Failed(String error) implements Step {
    }

    static Step fromDecision(PathGuard.Decision.Refused refused) {
        return new Refused(refused.reason());
    }
}
