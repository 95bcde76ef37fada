package dev.kleiber.conductor;

import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.git.GitRepository;
import dev.kleiber.store.Event;
import dev.kleiber.store.Store;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.NodeShop;
import dev.kleiber.testutil.TestStores;
import dev.kleiber.validate.CheckResult;
import dev.kleiber.validate.CheckStatus;
import dev.kleiber.validate.ValidationReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The periodic check of main: with an interval of milliseconds, so nothing waits half an hour. */
class MainWatchTest {
    private static final String RUN = "run-1";
    private static final String COMMIT = "3f2a9c1d0e4b5a6978877665544332211ffeeddc";
    private static final Duration TICK = Duration.ofMillis(20);

    @TempDir
    Path tmp;

    private Store store;
    private ScheduledExecutorService scheduler;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<RunEvent> events = new CopyOnWriteArrayList<>();
    private final RunListener listener = event -> {
        events.add(event);
        RunEventText.of(event).ifPresent(message -> lines.add(event.taskId() + "|" + message));
    };

    @BeforeEach
    void open() {
        store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC());
        store.runs().create(RUN, "a request");
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void close() {
        scheduler.shutdownNow();
        store.close();
    }

    private static ValidationReport report(CheckResult... checks) {
        return new ValidationReport("main", Instant.parse("2026-11-25T12:00:00Z"), Optional.of(COMMIT), List.of(checks));
    }

    private static CheckResult check(String name, CheckStatus status, String summary) {
        return new CheckResult(name, status, Duration.ofMillis(300), summary, "");
    }

    private List<Event> mainEvents() {
        return store.events().ofRun(RUN).stream().filter(e -> e.kind().equals(MainWatch.EVENT)).toList();
    }

    /** Waits for {@code condition} (generously: the machine may be busy); a condition never met fails the test. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 60 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aBrokenMainIsRecordedInTheRunsEventsAndToldToTheListenerAtEveryCheck() throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        Supplier<ValidationReport> broken = () -> {
            checks.incrementAndGet();
            return report(check("test", CheckStatus.FAIL, "`npm test` exited with 1"),
                    check("naming", CheckStatus.FAIL, "2 findings in 40 files, 1 branch"),
                    check("coverage", CheckStatus.SKIPPED, "no coverage report found"));
        };

        try (MainWatch watch = MainWatch.start(broken, TICK, scheduler, store.events(), RUN, listener)) {
            await(() -> mainEvents().size() >= 3);
        }

        assertThat(mainEvents()).allSatisfy(event -> {
            assertThat(event.taskId()).isEmpty();
            assertThat(event.detail()).isEqualTo("failed at 3f2a9c1d0e4b: test (`npm test` exited with 1); "
                    + "naming (2 findings in 40 files, 1 branch); see reports/main-validation.md");
        });
        assertThat(events).contains(new RunEvent.MainValidated(RUN, "3f2a9c1d0e4b", false,
                "test (`npm test` exited with 1); naming (2 findings in 40 files, 1 branch)", "reports/main-validation.md"));
        assertThat(lines).contains("|MAIN IS BROKEN at 3f2a9c1d0e4b: test (`npm test` exited with 1); "
                + "naming (2 findings in 40 files, 1 branch) (see reports/main-validation.md)");
        // closed: no check starts any more
        int after = checks.get();
        Thread.sleep(TICK.toMillis() * 10);
        assertThat(checks.get()).isEqualTo(after);
    }

    @Test
    void aPassingMainIsRecordedTooSoStatusKnowsWhenItWasLastChecked() throws InterruptedException {
        try (MainWatch watch = MainWatch.start(() -> report(check("test", CheckStatus.PASS, "`npm test` exited with 0")),
                TICK, scheduler, store.events(), RUN, listener)) {
            await(() -> !mainEvents().isEmpty());
        }

        assertThat(mainEvents().get(0).detail()).isEqualTo("passed at 3f2a9c1d0e4b");
        assertThat(events).contains(new RunEvent.MainValidated(RUN, "3f2a9c1d0e4b", true, "", "reports/main-validation.md"));
        assertThat(lines).contains("|main passed validation at 3f2a9c1d0e4b");
    }

    @Test
    void aCheckThatCannotRunIsRecordedAsAnErrorAndTheWatchGoesOn() throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        Supplier<ValidationReport> failing = () -> {
            if (checks.incrementAndGet() == 1) {
                throw new IllegalStateException("git worktree add failed (exit 128): disk full");
            }
            return report(check("test", CheckStatus.PASS, "ok"));
        };

        try (MainWatch watch = MainWatch.start(failing, TICK, scheduler, store.events(), RUN, listener)) {
            await(() -> mainEvents().size() >= 2);
        }

        assertThat(mainEvents().get(0).detail())
                .isEqualTo("error: main could not be validated: git worktree add failed (exit 128): disk full");
        assertThat(mainEvents().get(1).detail()).isEqualTo("passed at 3f2a9c1d0e4b");
        assertThat(events.get(0)).isEqualTo(new RunEvent.MainUncheckable(RUN, "git worktree add failed (exit 128): disk full"));
        assertThat(lines.get(0)).isEqualTo("|error: main could not be validated: git worktree add failed (exit 128): disk full");
    }

    @Test
    void closingStopsACheckUnderWayAndRecordsNothingForIt() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        Supplier<ValidationReport> slow = () -> {
            started.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(10));
                return report();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running a command");
            } finally {
                ended.countDown();
            }
        };
        MainWatch watch = MainWatch.start(slow, TICK, scheduler, store.events(), RUN, listener);
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

        watch.close();

        assertThat(ended.getCount()).as("close waits for the interrupted check").isZero();
        assertThat(mainEvents()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void offStartsNothing() throws InterruptedException {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        ProjectLayout layout = new ProjectLayout(repo);
        MainValidation validation = new MainValidation(new GitRepository(repo, layout.worktreesDir().resolve("_merge")),
                ProjectConfig.load(layout), Map.of(), Clock.systemUTC());

        MainWatch watch = MainWatch.start(validation, Optional.empty(), store.events(), RUN, listener);
        Thread.sleep(50);
        watch.close();

        assertThat(mainEvents()).isEmpty();
        assertThat(repo.resolve("reports")).doesNotExist();
    }

    @Test
    void theRealValidationOfABrokenMainFiresOnItsOwnThread() throws Exception {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        NodeShop.breakMain(repo);
        ProjectLayout layout = new ProjectLayout(repo);
        MainValidation validation = new MainValidation(new GitRepository(repo, layout.worktreesDir().resolve("_merge")),
                ProjectConfig.load(layout), Map.of("PATH", System.getenv("PATH")), Clock.systemUTC());

        try (MainWatch watch = MainWatch.start(validation, Optional.of(Duration.ofMillis(100)), store.events(), RUN,
                listener)) {
            await(() -> !mainEvents().isEmpty());
        }

        String commit = GitRepos.git(repo, "rev-parse", "main").strip();
        assertThat(mainEvents().get(0).detail()).startsWith("failed at " + commit.substring(0, 12)
                + ": test (`node --test` exited with 1); see reports/main-validation.md");
        assertThat(repo.resolve("reports/main-validation.md")).content().contains("Result: failed").contains(commit);
        assertThat(GitRepos.git(repo, "worktree", "list").lines()).hasSize(1);
    }
}
