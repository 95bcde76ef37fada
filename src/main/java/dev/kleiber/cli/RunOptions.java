package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;

/** The options of the commands that run a plan ({@code run}, {@code resume}): workers, a script, the board. A mixin. */
final class RunOptions {
    @Option(names = "--workers", paramLabel = "N", description = "Agents in parallel (default: concurrency.workers).")
    Optional<Integer> workers = Optional.empty();

    @Option(names = "--wait-for-workers", paramLabel = "TIME",
            description = "For a run on a remote's workers: how long to wait, while tasks are queued, for a live "
                    + "`kleiber worker` that can take them before saying so and stopping (the run waits for "
                    + "`kleiber resume`): 90s, 2m, 1h (default $KLEIBER_WAIT_FOR_WORKERS, else 2m).")
    Optional<String> waitForWorkers = Optional.empty();

    @Mixin
    ScriptOption script = new ScriptOption();

    @Mixin
    RunProgress.BoardOption board = new RunProgress.BoardOption();

    /** {@code --workers}, else {@code configured}; exit 2 below one. */
    int workers(int configured) {
        return atLeastOne(workers, configured);
    }

    /** {@code --wait-for-workers}, else {@code $KLEIBER_WAIT_FOR_WORKERS}, else two minutes; exit 2 if bad. */
    java.time.Duration waitForWorkers(CliContext context) {
        return WaitForWorkers.of(waitForWorkers, context);
    }

    static int atLeastOne(Optional<Integer> option, int fallback) {
        int n = option.orElse(fallback);
        if (n < 1) {
            throw KleiberException.badInput("--workers must be at least 1; found " + n);
        }
        return n;
    }
}
