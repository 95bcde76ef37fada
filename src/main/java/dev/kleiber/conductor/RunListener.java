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
