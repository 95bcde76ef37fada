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

    /** The session stopped without an answer from the agent: a limit, the budget, or the API. */
    record Failed(String reason) implements SessionOutcome {
        @Override
        public String id() {
            return "failed";
        }
    }
}
