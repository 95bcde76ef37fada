package dev.kleiber.conductor;

import dev.kleiber.store.RunEvents;

import java.time.Clock;
import java.time.Instant;

/**
 * Keeps every event of a run in the store's {@code run_events}, as {@link RunEventJson} writes it, before the other
 * listeners hear it: whoever is told of an event and then reads the store finds it there. The conductor's builder
 * always puts it first.
 */
final class RunEventRecorder implements RunListener {
    private final RunEvents events;
    private final Clock clock;

    RunEventRecorder(RunEvents events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void on(RunEvent event) {
        Instant at = clock.instant();
        events.append(event.runId(), event.taskId(), at, RunEventJson.kind(event), RunEventJson.write(event, at));
    }
}
