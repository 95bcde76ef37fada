package dev.kleiber.conductor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a run left its tasks: merged, waiting for a person's review, blocked, failed, left queued by a budget
 * pause, and the tasks that cannot start with what each waits for.
 */
public record RunOutcome(String runId, List<String> merged, List<String> awaitingReview, List<String> blocked,
                         List<String> failed, List<String> queued, Map<String, List<String>> waiting,
                         Optional<String> pause) {
    public RunOutcome {
        merged = List.copyOf(merged);
        awaitingReview = List.copyOf(awaitingReview);
        blocked = List.copyOf(blocked);
        failed = List.copyOf(failed);
        queued = List.copyOf(queued);
        waiting = Map.copyOf(waiting);
    }

    public boolean anyFailed() {
        return !failed.isEmpty();
    }

    public boolean finished() {
        return awaitingReview.isEmpty() && blocked.isEmpty() && failed.isEmpty() && queued.isEmpty() && waiting.isEmpty();
    }
}
