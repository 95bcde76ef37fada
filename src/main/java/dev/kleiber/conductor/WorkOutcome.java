package dev.kleiber.conductor;

import dev.kleiber.protocol.BlockType;

/**
 * How one attempt of a {@link Worker} ended. The conductor decides the next step from the type alone: validate and
 * merge, wait for the blocked desk, move up a tier, pause the run, climb the retry ladder, or stop the task.
 */
public sealed interface WorkOutcome {
    /** The agent says the task is done; its work is committed on the task's branch. */
    record Completed(String summary) implements WorkOutcome {
    }

    /** The agent cannot go on without an answer (the blocked file says what it needs). */
    record Blocked(BlockType type, String problem) implements WorkOutcome {
    }

    /** The agent asked for a stronger model; {@code learnt} is handed to the next attempt. */
    record Escalated(String reason, String learnt) implements WorkOutcome {
    }

    /** The budget guard refused a call: the run pauses and the task stays queued. */
    record BudgetPaused(String reason) implements WorkOutcome {
    }

    /** The agent's attempt failed (a limit, no answer): worth another attempt, then a stronger model. */
    record Failed(String reason) implements WorkOutcome {
    }

    /**
     * Something outside the agent's work failed and will fail again on any model: the task stops, its branch keeps
     * the work, and {@code fix} tells a person what to change before {@code kleiber resume}.
     */
    record EnvironmentFailed(String problem, String fix) implements WorkOutcome {
    }
}
