package dev.kleiber.cli;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.TaskRecord;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the live board shows at one moment: the run's tasks as the store holds them, the agents working now,
 * spend against the daily budget, and the latest event lines (oldest first).
 */
record BoardSnapshot(String runId, Instant at, int workers, List<TaskRecord> tasks, List<Running> running, Spend spend,
                     List<String> events) {

    /** An agent at work on a task, and for how long this attempt has run. */
    record Running(String taskId, String agent, Tier tier, int attempt, Duration elapsed) {
    }

    /** Today's spend and reservations against the daily limit, and what this run cost so far. */
    record Spend(BigDecimal spentUsd, BigDecimal reservedUsd, BigDecimal limitUsd, BigDecimal runUsd, boolean paused) {
    }

    BoardSnapshot {
        tasks = List.copyOf(tasks);
        running = List.copyOf(running);
        events = List.copyOf(events);
    }
}
