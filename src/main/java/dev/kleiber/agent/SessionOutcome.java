package dev.kleiber.agent;

import dev.kleiber.protocol.BlockType;

import java.util.List;

/** How an agent session ended. Only {@link Completed} means the agent says the task is done. */
public sealed interface SessionOutcome {
    /** The wire name: completed, blocked, escalated or failed. */
    String id();

    record Completed(String summary, List<String> decisions) implements SessionOutcome {
        public Completed {
            decisions = List.copyOf(decisions);
        }

        @Override
        public String id() {
            return "completed";
        }
    }

    record Blocked(BlockType type, String problem, List<String> attempted, String need) implements SessionOutcome {
        public Blocked {
            attempted = List.copyOf(attempted);
        }

        @Override
        public String id() {
            return "blocked";
        }
    }

    /** The agent asked for a stronger model; the task restarts on Opus with what was learnt. */
    record Escalated(String reason) implements SessionOutcome {
        @Override
        public String id() {
            return "escalated";
        }
    }

    /**
     * The session stopped without an answer from the agent: a limit, the budget, or the API. {@code cause} says
     * whose fault it was, which decides what comes next (a retry, a pause, or a stop until a person fixes it).
     */
    record Failed(String reason, Cause cause) implements SessionOutcome {
        /** A failure of the agent's own work (a limit it ran into). */
        public Failed(String reason) {
            this(reason, new AgentFault());
        }

        @Override
        public String id() {
            return "failed";
        }
    }

    /** Why a session failed. */
    sealed interface Cause {
    }

    /** The agent ran out of turns or tokens, or did not answer as asked: another attempt may do better. */
    record AgentFault() implements Cause {
    }

    /** The budget guard refused the next call: the run pauses until the budget allows more. */
    record BudgetStop() implements Cause {
    }

    /**
     * Not the agent's fault and not fixed by another attempt or a stronger model: a model with no known price,
     * one the API no longer serves, a key it refuses. {@code fix} says what a person must change.
     */
    record EnvironmentFault(String fix) implements Cause {
    }
}
