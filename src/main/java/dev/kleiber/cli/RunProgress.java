package dev.kleiber.cli;

import dev.kleiber.conductor.RunListener;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.Ledger;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@code run} and {@code resume} report progress: the live board when stdout is a terminal (see
 * {@link RunDisplay}), else one printed line per event. Closing leaves the board's final frame on screen.
 */
final class RunProgress implements AutoCloseable {
    static final Duration REFRESH = Duration.ofMillis(400);

    /** {@code --board} / {@code --no-board}, shared by the commands that run a plan. */
    static final class BoardOption {
        @Option(names = "--board", negatable = true,
                description = "Show the live board (tasks by state, running agents, spend bar), or with --no-board one "
                        + "line per event. Default: the board when stdout is a terminal, lines in a pipe or CI.")
        Boolean board;

        Optional<Boolean> forced() {
            return Optional.ofNullable(board);
        }
    }

    private final RunListener listener;
    private final Optional<LiveBoard> board;

    private RunProgress(RunListener listener, Optional<LiveBoard> board) {
        this.listener = listener;
        this.board = board;
    }

    static RunProgress open(BoardOption option, PrintWriter out, CliContext context, AgentRuntime runtime, String runId,
                            int workers) {
        RunDisplay display = RunDisplay.choose(option.forced(), context.env());
        if (display == RunDisplay.LINES) {
            return new RunProgress(RunCommand.printer(out, context), Optional.empty());
        }
        LiveBoard board = new LiveBoard(out, runId, workers, context.clock(), () -> runtime.store.tasks().ofRun(runId),
                () -> spend(runtime.ledger, runId), () -> TerminalSize.detect(context.env()),
                display == RunDisplay.BOARD, REFRESH).start();
        return new RunProgress(board, Optional.of(board));
    }

    static BoardSnapshot.Spend spend(Ledger ledger, String runId) {
        BudgetStatus status = ledger.status();
        return new BoardSnapshot.Spend(status.spentUsd(), status.reservedUsd(), status.limitUsd(),
                ledger.cost(Optional.empty(), Optional.of(runId)).totalUsd(), status.paused());
    }

    RunListener listener() {
        return listener;
    }

    @Override
    public void close() {
        board.ifPresent(LiveBoard::close);
    }
}
