package dev.kleiber.conductor;

import dev.kleiber.plan.Plan;

import java.util.List;

/**
 * How the conductor answers a blocked task: re-plan it (a revised task and/or new tasks it then depends on),
 * restart it on Opus with what was learnt, have a resolution task land its conflicting work, or ask a person.
 */
sealed interface BlockedAnswer {
    /** Why, in the conductor's words: it goes to the log, the store and the blocked file. */
    String reason();

    /** The word the log and the store use: replan, escalate, resolve or ask_human. */
    String id();

    /** {@code plan} is the run's plan with the task revised and {@code added} appended; the task depends on them. */
    record Replan(String reason, Plan plan, boolean revised, List<String> added) implements BlockedAnswer {
        public Replan {
            added = List.copyOf(added);
        }

        @Override
        public String id() {
            return "replan";
        }
    }

    record Escalate(String reason, String learnt) implements BlockedAnswer {
        @Override
        public String id() {
            return "escalate";
        }
    }

    /**
     * A merge conflict: resolution task {@code taskId}, on {@code branch} (from main, holding the conflicting merge,
     * prepared before the answer is applied), lands the work; {@code files} conflicted.
     */
    record Resolve(String reason, String taskId, String branch, List<String> files) implements BlockedAnswer {
        public Resolve {
            files = List.copyOf(files);
        }

        @Override
        public String id() {
            return "resolve";
        }
    }

    record AskHuman(String reason, String question) implements BlockedAnswer {
        @Override
        public String id() {
            return "ask_human";
        }
    }
}
