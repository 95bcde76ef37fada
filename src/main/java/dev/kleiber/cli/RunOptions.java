package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;

/** The options of the commands that run a plan ({@code run}, {@code resume}): workers, a script, the board. A mixin. */
final class RunOptions {
    @Option(names = "--workers", paramLabel = "N", description = "Agents in parallel (default: concurrency.workers).")
    Optional<Integer> workers = Optional.empty();

    @Mixin
    ScriptOption script = new ScriptOption();

    @Mixin
    RunProgress.BoardOption board = new RunProgress.BoardOption();

    /** {@code --workers}, else {@code configured}; exit 2 below one. */
    int workers(int configured) {
        return atLeastOne(workers, configured);
    }

    static int atLeastOne(Optional<Integer> option, int fallback) {
        int n = option.orElse(fallback);
        if (n < 1) {
            throw KleiberException.badInput("--workers must be at least 1; found " + n);
        }
        return n;
    }
}
