package dev.kleiber.conductor;

import java.util.List;

/**
 * Hears every {@link RunEvent} of a run as it happens, on the thread that caused it (a worker, the dispatch
 * loop, the watch of main): keep it quick and thread-safe. A listener that throws is skipped for that event; it
 * never stops the run.
 */
@FunctionalInterface
public interface RunListener {
    RunListener NONE = event -> { };

    void on(RunEvent event);

    /**
     * {@code then}, after the store's {@code run_events} keeps each event, as a conductor's own listener does: for
     * events told outside a conductor (a cancel through the API), so the live streams and the dashboard see them.
     */
    static RunListener recorded(dev.kleiber.store.RunEvents events, java.time.Clock clock, RunListener then) {
        return all(List.of(new RunEventRecorder(events, clock), then));
    }

    /** Tells each of {@code listeners} in turn; one that fails does not keep the others from hearing. */
    static RunListener all(List<RunListener> listeners) {
        List<RunListener> copy = List.copyOf(listeners);
        return event -> {
            for (RunListener listener : copy) {
                try {
                    listener.on(event);
                } catch (RuntimeException ignored) {
                    // a display or a log that fails must not fail the work it reports on
                }
            }
        };
    }
}
