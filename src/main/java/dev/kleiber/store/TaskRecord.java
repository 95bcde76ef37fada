package dev.kleiber.store;

import dev.kleiber.routing.Tier;

import java.util.List;
import java.util.Optional;

/** A task as the store holds it. {@code fence} is the version of its latest lease. */
public record TaskRecord(String runId, String id, String agent, Tier tier, TaskState state, long fence,
                         Optional<String> leaseId, int attempts, List<String> dependsOn) {
    public TaskRecord {
        dependsOn = List.copyOf(dependsOn);
    }
}
