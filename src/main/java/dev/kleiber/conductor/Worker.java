package dev.kleiber.conductor;

import dev.kleiber.routing.Tier;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs one attempt of one task in its worktree and says how it ended. Kleiber's own agent loop
 * ({@link AgentWorker}) is one; an outside agent CLI is another. The worker commits what it changed on the
 * task's branch; the conductor validates and merges. It runs on a thread the conductor may interrupt (the task's
 * lease was lost, or the run stops): it should then return soon, without committing.
 */
@FunctionalInterface
public interface Worker {
    WorkOutcome run(Assignment assignment, RunListener events);

    /**
     * One attempt: the task as routed, the tier it runs on now, the attempt number (the store's), the worktree it
     * works in and the feedback of the attempt before, if any.
     */
    record Assignment(String runId, RoutedTask task, Tier tier, int attempt, Path worktree, Optional<String> feedback) {
        public Assignment {
            Objects.requireNonNull(feedback, "feedback");
        }
    }
}
