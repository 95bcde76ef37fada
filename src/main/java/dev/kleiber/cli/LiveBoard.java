package dev.kleiber.cli;

import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunEventText;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.store.TaskRecord;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Redraws the {@link Board} in place while a run works: every {@code period} and at once on each event, on its own
 * thread so that the conductor's workers never wait for the terminal. The frame is rewritten by moving the cursor
 * up over the previous one (ANSI CUU, erase line, erase below) rather than clearing the screen, so what was printed
 * before the run stays above it; lines are cut to the width so none wraps. Closing draws the final frame and leaves
 * it on screen, the cursor below it.
 */
final class LiveBoard implements RunListener, AutoCloseable {
    private static final int KEPT_EVENTS = 50;
    private static final Duration RESIZE_CHECK = Duration.ofSeconds(2);

    private final PrintWriter out;
    private final String runId;
    private final int workers;
    private final Clock clock;
    private final Supplier<List<TaskRecord>> tasks;
    private final Supplier<BoardSnapshot.Spend> spend;
    private final Supplier<TerminalSize> size;
    private final boolean color;
    private final Duration period;
    private final Deque<String> events = new ArrayDeque<>();
    private final Map<String, Instant> startedAt = new HashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean closed;
    private int drawnLines;
    private TerminalSize terminal;
    private Instant sizedAt = Instant.MIN;

    LiveBoard(PrintWriter out, String runId, int workers, Clock clock, Supplier<List<TaskRecord>> tasks,
              Supplier<BoardSnapshot.Spend> spend, Supplier<TerminalSize> size, boolean color, Duration period) {
        this.out = out;
        this.runId = runId;
        this.workers = workers;
        this.clock = clock;
        this.tasks = tasks;
        this.spend = spend;
        this.size = size;
        this.color = color;
        this.period = period;
        this.thread = Thread.ofPlatform().daemon().name("kleiber-board").unstarted(this::refresh);
    }

    LiveBoard start() {
        thread.start();
        return this;
    }

    @Override
    public void on(RunEvent event) {
        RunEventText.of(event).ifPresent(message -> event(event.taskId(), message));
    }

    /** Adds a line to the board's events and redraws soon. */
    void event(String taskId, String message) {
        synchronized (events) {
            events.addLast(RunCommand.eventLine(clock, taskId, message));
            while (events.size() > KEPT_EVENTS) {
                events.removeFirst();
            }
        }
        wake.release();
    }

    private void refresh() {
        while (!closed) {
            try {
                wake.tryAcquire(period.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                try {
                    draw();
                } catch (RuntimeException e) {
                    // a failed read (the store busy or closing) skips one frame; the next one tries again
                }
            }
        }
    }

    /** Draws the current state over the previous frame. */
    void draw() {
        BoardSnapshot snapshot = snapshot();
        synchronized (out) {
            Instant now = clock.instant();
            if (terminal == null || Duration.between(sizedAt, now).compareTo(RESIZE_CHECK) >= 0) {
                terminal = size.get();
                sizedAt = now;
            }
            // one column and one row short: writing the last column or row makes some terminals wrap or scroll
            String screen = Board.render(snapshot, terminal.columns() - 1, Math.max(1, terminal.rows() - 1), color);
            StringBuilder frame = new StringBuilder();
            if (drawnLines > 0) {
                frame.append("\r\033[").append(drawnLines).append('A');
            }
            List<String> lines = screen.lines().toList();
            for (String line : lines) {
                frame.append(line).append("\033[K\n");
            }
            frame.append("\033[J");
            out.print(frame);
            out.flush();
            drawnLines = lines.size();
        }
    }

    BoardSnapshot snapshot() {
        List<TaskRecord> all = tasks.get();
        Instant now = clock.instant();
        List<BoardSnapshot.Running> running = new ArrayList<>();
        synchronized (startedAt) {
            Map<String, Instant> seen = new HashMap<>();
            for (TaskRecord task : all) {
                if (task.state().isLeased()) {
                    String key = task.id() + "#" + task.attempts();
                    Instant since = startedAt.getOrDefault(key, now);
                    seen.put(key, since);
                    running.add(new BoardSnapshot.Running(task.id(), task.agent(), task.tier(), task.attempts(),
                            Duration.between(since, now)));
                }
            }
            startedAt.clear();
            startedAt.putAll(seen);
        }
        List<String> lines;
        synchronized (events) {
            lines = List.copyOf(events);
        }
        return new BoardSnapshot(runId, now, workers, all, running, spend.get(), lines);
    }

    /** Stops redrawing and leaves the final frame on screen. */
    @Override
    public void close() {
        closed = true;
        wake.release();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            draw();
        } catch (RuntimeException e) {
            // the store is gone: the last frame drawn stays, and the end report follows it
        }
    }
}
