package dev.kleiber.conductor;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A run under way: its id, its completion (where every task stands when the run stops working) and a way to stop
 * it. Stopping starts no new attempt; the attempts under way finish, and what is not done stays queued for
 * {@code kleiber resume}.
 */
public final class RunHandle {
    private final String runId;
    private final CompletableFuture<RunOutcome> completion;
    private final Runnable stop;

    public RunHandle(String runId, CompletableFuture<RunOutcome> completion, Runnable stop) {
        this.runId = runId;
        this.completion = completion;
        this.stop = stop;
    }

    public String runId() {
        return runId;
    }

    /** Completes with the run's outcome, or exceptionally with what stopped the run. */
    public CompletableFuture<RunOutcome> completion() {
        return completion.copy();
    }

    /** Asks the run to stop: no attempt starts any more; the completion follows once the ones under way end. */
    public void stop() {
        stop.run();
    }

    /** Waits for the run to stop and returns its outcome; what stopped it abnormally is rethrown as it was. */
    public RunOutcome await() {
        try {
            return completion.join();
        } catch (CompletionException | CancellationException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
