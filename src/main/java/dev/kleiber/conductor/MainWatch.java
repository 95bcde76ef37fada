package dev.kleiber.conductor;

import dev.kleiber.store.Events;
import dev.kleiber.validate.CheckResult;
import dev.kleiber.validate.ValidationReport;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Validates main every {@code validate.main_every} while a run is active (the blueprint's "every 30 minutes
 * during active orchestration"), the first time one interval after it starts. Each check is recorded in the
 * run's events as {@value #EVENT} (what {@code kleiber status} shows) and told to the run's listener. Open it
 * around the conductor's work and close it when that returns: closing stops a check under way.
 */
public final class MainWatch implements AutoCloseable {
    /** The event kind of a check of main; its detail starts with {@code passed}, {@code failed} or {@code error}. */
    public static final String EVENT = "main.validation";
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Supplier<ValidationReport> check;
    private final Events events;
    private final String runId;
    private final RunListener listener;
    /** Held while a check runs, so that closing can wait for the one under way. */
    private final ReentrantLock checking = new ReentrantLock();
    private final Optional<ScheduledFuture<?>> schedule;
    private final Optional<ScheduledExecutorService> ownScheduler;

    private MainWatch(Supplier<ValidationReport> check, Events events, String runId, RunListener listener,
                      Optional<Duration> every, Optional<ScheduledExecutorService> scheduler, boolean owned) {
        this.check = check;
        this.events = events;
        this.runId = runId;
        this.listener = listener;
        this.schedule = every.flatMap(interval -> scheduler.map(s -> s.scheduleWithFixedDelay(this::checkOnce,
                interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS)));
        this.ownScheduler = owned ? scheduler : Optional.empty();
    }

    /**
     * Starts watching main for {@code runId} on a thread of its own; {@code every} empty ({@code main_every: off})
     * starts nothing.
     */
    public static MainWatch start(MainValidation validation, Optional<Duration> every, Events events, String runId,
                                  RunListener listener) {
        Optional<ScheduledExecutorService> scheduler = every.map(interval ->
                Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "kleiber-main-watch");
                    thread.setDaemon(true);
                    return thread;
                }));
        return new MainWatch(validation::validate, events, runId, listener, every, scheduler, true);
    }

    /** On a scheduler the caller owns and shuts down (tests pass their own, with an interval of milliseconds). */
    static MainWatch start(Supplier<ValidationReport> check, Duration every, ScheduledExecutorService scheduler,
                           Events events, String runId, RunListener listener) {
        return new MainWatch(check, events, runId, listener, Optional.of(every), Optional.of(scheduler), false);
    }

    /** One check of main, recorded and told; never throws, or the scheduler would stop repeating it. */
    void checkOnce() {
        checking.lock();
        try {
            record();
        } finally {
            checking.unlock();
        }
    }

    private void record() {
        String detail;
        try {
            ValidationReport report = check.get();
            detail = describe(report);
            String commit = report.commit().map(MainWatch::shortCommit).orElse("?");
            listener.on(new RunEvent.MainValidated(runId, commit, report.passed(), failures(report), report.fileName()));
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            detail = "error: main could not be validated: " + message;
            listener.on(new RunEvent.MainUncheckable(runId, message));
        }
        try {
            events.append(runId, "", EVENT, detail);
        } catch (RuntimeException e) {
            listener.on(new RunEvent.MainCheckUnrecorded(runId, String.valueOf(e.getMessage())));
        }
    }

    /** {@code passed at 3f2a9c1d0e4b} or {@code failed at 3f2a9c1d0e4b: test (`npm test` exited with 1); naming (...)}. */
    private static String describe(ValidationReport report) {
        String at = " at " + report.commit().map(MainWatch::shortCommit).orElse("?");
        return report.passed() ? "passed" + at
                : "failed" + at + ": " + failures(report) + "; see " + report.fileName();
    }

    private static String failures(ValidationReport report) {
        return report.failures().stream().map(MainWatch::failure).collect(Collectors.joining("; "));
    }

    private static String failure(CheckResult check) {
        return check.summary().isEmpty() ? check.name() : check.name() + " (" + check.summary() + ")";
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    /** Stops the schedule; a check under way is interrupted (its command killed) and waited for, briefly. */
    @Override
    public void close() {
        schedule.ifPresent(s -> s.cancel(true));
        ownScheduler.ifPresent(ScheduledExecutorService::shutdownNow);
        try {
            if (checking.tryLock(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                checking.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
