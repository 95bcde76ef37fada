package dev.kleiber.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One typed run event as the store keeps it: {@code seq} orders all of them (a reader resumes after the last it
 * saw), {@code kind} is the event's record name ({@code TaskStarted}), {@code json} its body as
 * {@code dev.kleiber.conductor.RunEventJson} wrote it. {@code taskId} is empty for what concerns the whole run.
 */
public record StoredRunEvent(long seq, String runId, String taskId, Instant at, String kind, String json) {
    public StoredRunEvent {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(json, "json");
    }
}
