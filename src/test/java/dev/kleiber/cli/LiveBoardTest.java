package dev.kleiber.cli;

import dev.kleiber.conductor.RunEvent;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.ManualClock;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class LiveBoardTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T14:00:00Z"));
    private final AtomicReference<List<TaskRecord>> tasks = new AtomicReference<>(List.of(
            BoardTest.task("a", TaskState.RUNNING), BoardTest.task("b", TaskState.PLANNED)));
    private final StringWriter screen = new StringWriter();

    @Test
    void redrawsInPlaceOverThePreviousFrameAndLeavesTheLastOne() {
        LiveBoard board = board();
        board.draw();
        String first = screen.toString();
        assertThat(first).doesNotContain("\033[A").contains("kleiber run run-1").contains("1 running");
        long lines = first.chars().filter(c -> c == '\n').count();

        clock.advance(Duration.ofSeconds(75));
        tasks.set(List.of(BoardTest.task("a", TaskState.MERGED), BoardTest.task("b", TaskState.RUNNING)));
        board.event("a", "merged into main (0123456789ab)");
        board.close();

        String second = screen.toString().substring(first.length());
        assertThat(second).startsWith("\r\033[" + lines + "A");
        assertThat(second).contains("1/2 merged").contains("14:01:15 a: merged into main (0123456789ab)")
                .endsWith("\033[J");
        assertThat(second.lines()).allSatisfy(line -> assertThat(line.replaceAll("\033\\[[0-9;]*[A-Za-z]", "")
                .replace("\r", "").length()).isLessThanOrEqualTo(59));
    }

    @Test
    void elapsedTimeCountsFromWhenTheBoardFirstSawTheAttemptRunning() {
        LiveBoard board = board();
        assertThat(board.snapshot().running()).singleElement()
                .satisfies(r -> assertThat(r.elapsed()).isZero());
        clock.advance(Duration.ofSeconds(90));
        assertThat(board.snapshot().running()).singleElement()
                .satisfies(r -> assertThat(r.elapsed()).isEqualTo(Duration.ofSeconds(90)));
        // a new attempt of the same task starts its own clock
        tasks.set(List.of(new TaskRecord("run-1", "a", "engineer-backend", Tier.OPUS, TaskState.RUNNING, 2,
                Optional.empty(), 2, List.of())));
        assertThat(board.snapshot().running()).singleElement()
                .satisfies(r -> assertThat(r.elapsed()).isZero());
    }

    @Test
    void outsideATerminalEventsPrintAsTheyAlwaysDidOneLineEach() {
        CliContext context = new CliContext(java.nio.file.Path.of("."), Map.of("TERM", "xterm"), clock);
        assertThat(RunDisplay.choose(Optional.empty(), context.env())).isEqualTo(RunDisplay.LINES);
        StringWriter out = new StringWriter();
        var printer = RunCommand.printer(new PrintWriter(out), context);
        printer.on(new RunEvent.Retried("run-1", "slug-util", Tier.SONNET, "Validation failed\n- test: exited with 1"));
        printer.on(new RunEvent.TaskQueued("run-1", "slug-util", "retry on sonnet"));
        printer.on(new RunEvent.WorkerStopped("run-1", "boom"));
        assertThat(out.toString()).isEqualTo("14:00:00 slug-util: retrying on sonnet: Validation failed\n"
                + "14:00:00 a worker stopped: boom\n");
    }

    private LiveBoard board() {
        return new LiveBoard(new PrintWriter(screen), "run-1", 2, clock, tasks::get,
                () -> new BoardSnapshot.Spend(BigDecimal.ONE, BigDecimal.ZERO, BigDecimal.TEN, BigDecimal.ONE, false),
                () -> new TerminalSize(20, 60), false, Duration.ofHours(1));
    }
}
