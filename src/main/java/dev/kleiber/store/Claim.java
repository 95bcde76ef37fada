package dev.kleiber.store;

/** A task a worker claimed: the task (now running), the lease it holds on it and the attempt number. */
public record Claim(TaskRecord task, Lease lease, int attempt) {
}
