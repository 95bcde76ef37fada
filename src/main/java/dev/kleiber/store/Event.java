package dev.kleiber.store;

import java.time.Instant;

/** One entry of the append-only event log; {@code detail} is JSON or plain text written by the producer. */
public record Event(long seq, Instant at, String runId, String taskId, String kind, String detail) {
}
