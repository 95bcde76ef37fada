package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.conductor.FakePorts.CountingValidator;
import dev.kleiber.conductor.FakePorts.MemoryWorkspace;
import dev.kleiber.conductor.FakePorts.Recorder;
import dev.kleiber.conductor.FakePorts.ScriptedWorker;
import dev.kleiber.git.CheckoutInTheWayException;
import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The conductor's decisions on fake ports (no git, no sandbox, no model; a real SQLite store): what starts in
 * which order, what a failed attempt leads to, and what a lost lease, a budget pause, a review, a conflict, an
 * environment failure and a runaway error do. Assertions are on the run's events and the store, not on text.
 */
class ConductorTest {
    private static final String RUN = "run-1";

    @TempDir
    Path tmp;

    private Store store;
    private Ledger ledger;
    private ProjectConfig project;
    private MemoryWorkspace workspace;
    private final Recorder events = new Recorder();

    @BeforeEach
    void open() {
        store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC());
        ledger = new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS, Clock.systemUTC());
        project = new ProjectConfig(new ProjectLayout(tmp), KleiberConfig.defaults(), Map.of());
        workspace = new MemoryWorkspace(tmp);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static PlannedTask task(String id, String description, String... dependsOn) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", description, List.of("it works"), Optional.empty(),
                Optional.empty(), Arrays.asList(dependsOn), Priority.P1, List.of(), Optional.empty());
    }

    private static PlannedTask plain(String id, String... dependsOn) {
        return task(id, "Add pagination to the " + id + " search results endpoint", dependsOn);
    }

    private Conductor.Builder conductor(Worker worker, TaskValidator validator) {
        return Conductor.builder(store, ledger, project)
                .router(new Router(RoutingPolicies.load(Optional.empty())))
                .worker(worker)
                .workspace(workspace)
                .validator(validator)
                .listener(events)
                .transientRetries(2, Duration.ofMillis(1));
    }

    private RunOutcome run(Conductor conductor, int workers, PlannedTask... tasks) {
        return conductor.start(RUN, "a request", new Plan(List.of(tasks)), planText(tasks), workers).await();
    }

    private static String planText(PlannedTask... tasks) {
        return new PlanFileWriter().write(new Plan(List.of(tasks)));
    }

    private TaskRecord record(String id) {
        return store.tasks().find(RUN, id).orElseThrow();
    }

    private static WorkOutcome done(Worker.Assignment a) {
        return new WorkOutcome.Completed("did " + a.task().id());
    }

    @Test
    void tasksStartInCriticalPathOrderAndADependentOnlyAfterItsDependencyMerged() {
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1,
                plain("leaf"), plain("base"), plain("middle", "base"), plain("top", "middle"));

        assertThat(outcome.merged()).containsExactlyInAnyOrder("leaf", "base", "middle", "top");
        List<String> started = events.of(RunEvent.TaskStarted.class).stream().map(RunEvent.TaskStarted::taskId).toList();
        // the longest chain first; the independent leaf does not jump ahead of it
        assertThat(started).startsWith("base");
        assertThat(started.indexOf("middle")).isGreaterThanOrEqualTo(indexOfMerged("base"));
        assertThat(started.indexOf("top")).isGreaterThanOrEqualTo(indexOfMerged("middle"));
        assertThat(workspace.merged).containsExactlyInAnyOrderElementsOf(outcome.merged());
        assertThat(events.events.getLast()).isInstanceOf(RunEvent.RunFinished.class);
        assertThat(events.of(RunEvent.TaskPlanned.class)).hasSize(4)
                .allSatisfy(p -> assertThat(p.rules()).isNotEmpty());
    }

    private int indexOfMerged(String id) {
        List<RunEvent> all = events.events;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) instanceof RunEvent.Merged m && m.taskId().equals(id)) {
                return (int) all.subList(0, i).stream().filter(RunEvent.TaskStarted.class::isInstance).count();
            }
        }
        throw new AssertionError(id + " never merged");
    }

    @Test
    void aFailingAgentIsRetriedOnItsModelThenATierUpThenBlockedForAPerson() {
        ScriptedWorker worker = new ScriptedWorker(a -> new WorkOutcome.Failed("ran out of turns"));

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"));

        assertThat(worker.started()).containsExactly("a#1@sonnet", "a#2@sonnet", "a#3@opus");
        assertThat(events.of(RunEvent.Retried.class)).extracting(RunEvent.Retried::tier)
                .containsExactly(Tier.SONNET, Tier.OPUS);
        assertThat(events.of(RunEvent.RetriesExhausted.class)).containsExactly(new RunEvent.RetriesExhausted(RUN, "a", 3));
        assertThat(outcome.blocked()).containsExactly("a");
        assertThat(workspace.blockedFiles).containsExactly("blocked/engineer-backend/a-conflict.md");
        // each retry hands the failure to the next attempt
        assertThat(worker.assignments.get(1).feedback()).get().asString().contains("ran out of turns");
    }

    @Test
    void failedValidationIsFeedbackForTheNextAttemptWhichThenMerges() {
        AtomicInteger checks = new AtomicInteger();
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);
        CountingValidator validator = new CountingValidator(id -> checks.incrementAndGet() > 1);

        RunOutcome outcome = run(conductor(worker, validator).build(), 1, plain("a"));

        assertThat(outcome.merged()).containsExactly("a");
        assertThat(worker.assignments.get(1).feedback()).get().asString()
                .startsWith("Validation failed (reports/a-validation.md)").contains("1 failing");
        assertThat(events.of(RunEvent.Validated.class)).singleElement().extracting(RunEvent.Validated::taskId).isEqualTo("a");
        assertThat(record("a").attempts()).isEqualTo(2);
    }

    @Test
    void anEscalationRestartsTheTaskOnOpusWithWhatWasLearnt() {
        ScriptedWorker worker = new ScriptedWorker(a -> a.tier() == Tier.OPUS ? done(a)
                : new WorkOutcome.Escalated("needs a stronger model", "the rounding is subtle"));

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"));

        assertThat(outcome.merged()).containsExactly("a");
        assertThat(events.of(RunEvent.Escalated.class)).containsExactly(
                new RunEvent.Escalated(RUN, "a", Tier.SONNET, Tier.OPUS, "needs a stronger model"));
        assertThat(worker.assignments.get(1).feedback()).contains("the rounding is subtle");
    }

    @Test
    void aBudgetPauseStopsNewWorkAndLeavesTheTaskQueued() {
        ScriptedWorker worker = new ScriptedWorker(a -> a.task().id().equals("a")
                ? new WorkOutcome.BudgetPaused("budget: the daily limit of $1.00 would be passed") : done(a));

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"), plain("b", "a"));

        assertThat(outcome.pause()).contains("budget: the daily limit of $1.00 would be passed");
        assertThat(outcome.queued()).containsExactly("a");
        assertThat(record("a").state()).isEqualTo(TaskState.QUEUED);
        assertThat(worker.started()).containsExactly("a#1@sonnet");
        assertThat(events.of(RunEvent.BudgetPaused.class)).singleElement()
                .satisfies(p -> assertThat(p.step()).isEqualTo(RunEvent.PausedAt.AGENT));
        // never counted as the agent's failure
        assertThat(events.of(RunEvent.Retried.class)).isEmpty();
    }

    @Test
    void aForcedReviewTaskWaitsForAPersonAfterValidationAndIsNotMerged() {
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1,
                task("refund", "Refund card payments through the payment provider"));

        assertThat(outcome.awaitingReview()).containsExactly("refund");
        assertThat(events.of(RunEvent.AwaitingReview.class)).singleElement()
                .satisfies(r -> assertThat(r.commit()).isEqualTo(workspace.tip(RunPlan.route(RUN,
                        new Plan(List.of(task("refund", "x"))), new Router(RoutingPolicies.load(Optional.empty()))).task("refund"))));
        assertThat(workspace.merged).isEmpty();
        assertThat(worker.started()).containsExactly("refund#1@opus");
    }

    @Test
    void aTaskRoutedWithoutReviewWhoseChangeTouchesSensitiveCodeWaitsForAPersonWithTheCommitAndTheReasonsKept() {
        workspace.diffs.put("a", List.of(new dev.kleiber.routing.ChangedFile("src/auth/lastSeen.js",
                List.of("export const x = 1;"))));
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"), plain("b"));

        assertThat(outcome.awaitingReview()).containsExactly("a");
        assertThat(outcome.merged()).containsExactly("b");
        assertThat(workspace.merged).containsExactly("b");
        assertThat(worker.started()).as("routed without review: the diff, not the plan, stops it").contains("a#1@sonnet");
        assertThat(events.of(RunEvent.DiffNeedsReview.class)).singleElement().satisfies(d ->
                assertThat(d.reasons()).extracting(dev.kleiber.routing.Reason::ruleId).containsExactly("diff.sensitive-path"));
        String commit = events.of(RunEvent.AwaitingReview.class).getFirst().commit();
        // what a reviewer's approval covers and why it was asked are in the store before the task waits
        List<dev.kleiber.store.Event> kept = store.events().ofTask(RUN, "a");
        assertThat(kept).filteredOn(e -> e.kind().equals(Conductor.VALIDATED_EVENT))
                .extracting(dev.kleiber.store.Event::detail).containsExactly(commit);
        assertThat(kept).filteredOn(e -> e.kind().equals(DiffReview.EVENT)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("diff.sensitive-path", "src/auth/lastSeen.js"));
    }

    @Test
    void anAgentThatChangedNothingIsNeverMergedNorRecordedAndWaitsForADecision() {
        workspace.unchanged.add("a");
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"), plain("b", "a"));

        assertThat(outcome.merged()).isEmpty();
        assertThat(outcome.blocked()).containsExactly("a");
        assertThat(workspace.merged).isEmpty();
        assertThat(workspace.recorded).as("no CHANGELOG entry").isEmpty();
        assertThat(events.of(RunEvent.NothingToChange.class)).containsExactly(new RunEvent.NothingToChange(RUN, "a",
                "blocked/engineer-backend/a-conflict.md"));
        assertThat(RunEventText.of(events.of(RunEvent.NothingToChange.class).getFirst())).hasValueSatisfying(line ->
                assertThat(line).startsWith("nothing to change: "));
        assertThat(events.of(RunEvent.Validated.class)).isEmpty();
        assertThat(workspace.blockedFiles).containsExactly("blocked/engineer-backend/a-conflict.md");
    }

    @Test
    void aMergeConflictBlocksTheTaskWithAFileForTheConductor() {
        workspace.merges.put("a", id -> new Workspace.MergeResult.Conflicted(List.of("src/app.js")));
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"));

        assertThat(outcome.blocked()).containsExactly("a");
        assertThat(events.of(RunEvent.MergeConflicted.class)).containsExactly(new RunEvent.MergeConflicted(RUN, "a",
                List.of("src/app.js"), "blocked/engineer-backend/a-conflict.md"));
    }

    @Test
    void aMergeHoldsNoDispatchLockSoOtherTasksAreClaimedAndMergedWhileItWaits() {
        CountDownLatch cStarted = new CountDownLatch(1);
        // a's merge (git, in the real workspace) waits until c has started; c can only start on b's freed worker,
        // which needs the dispatcher: were the merge under the conductor's lock, nothing could be claimed meanwhile
        workspace.merges.put("a", id -> {
            try {
                if (!cStarted.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no task was dispatched while a's merge was in progress");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new Workspace.MergeResult.Merged("m-a");
        });
        ScriptedWorker worker = new ScriptedWorker(a -> {
            if (a.task().id().equals("c")) {
                cStarted.countDown();
            }
            return done(a);
        });

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 2, plain("a"), plain("b"), plain("c"));

        assertThat(outcome.merged()).containsExactlyInAnyOrder("a", "b", "c");
        List<RunEvent> all = events.events;
        int cStart = all.indexOf(all.stream().filter(e -> e instanceof RunEvent.TaskStarted t && t.taskId().equals("c"))
                .findFirst().orElseThrow());
        int aMerged = all.indexOf(all.stream().filter(e -> e instanceof RunEvent.Merged m && m.taskId().equals("a"))
                .findFirst().orElseThrow());
        assertThat(cStart).as("c started before a's merge ended").isLessThan(aMerged);
    }

    @Test
    void anEnvironmentFailureStopsTheTaskWithoutClimbingTheLadderAndAResumeRunsItAgain() {
        AtomicBoolean fixed = new AtomicBoolean();
        ScriptedWorker worker = new ScriptedWorker(a -> fixed.get() ? done(a) : new WorkOutcome.EnvironmentFailed(
                "model claude-3-haiku-20240307 (tier sonnet) is not served by the API: HTTP 404 not_found_error",
                "point models.sonnet in .kleiber/kleiber.yaml at a current model (`kleiber models`)"));
        Conductor conductor = conductor(worker, CountingValidator.passing()).build();

        RunOutcome stopped = run(conductor, 1, plain("a"));

        assertThat(stopped.blocked()).containsExactly("a");
        assertThat(worker.started()).containsExactly("a#1@sonnet");
        assertThat(record("a").tier()).isEqualTo(Tier.SONNET);
        assertThat(events.of(RunEvent.EnvironmentFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.fix()).contains("kleiber models"));
        assertThat(events.of(RunEvent.Retried.class)).isEmpty();

        fixed.set(true);
        RunOutcome resumed = conductor.resume(RUN, 1).await();

        assertThat(resumed.merged()).containsExactly("a");
        // stopped before its agent made a call: the attempt was not spent, the resume continues it
        assertThat(worker.started()).containsExactly("a#1@sonnet", "a#1@sonnet");
    }

    @Test
    void aCheckoutInTheWayOfTheMergeIsTheEnvironmentNotTheAgent() {
        workspace.merges.put("a", id -> {
            throw new CheckoutInTheWayException("main could not be fast-forwarded: local changes", tmp);
        });
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"));

        assertThat(outcome.blocked()).containsExactly("a");
        assertThat(worker.started()).hasSize(1);
        assertThat(events.of(RunEvent.EnvironmentFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.fix()).contains("commit or stash"));
    }

    @Test
    void aTransientErrorIsTriedAgainAfterABackoffAndThenSucceeds() {
        AtomicInteger merges = new AtomicInteger();
        workspace.merges.put("a", id -> {
            if (merges.incrementAndGet() == 1) {
                throw KleiberException.failed("git merge failed (exit 128): fatal: Unable to create "
                        + "'/repo/.git/index.lock': File exists.");
            }
            return new Workspace.MergeResult.Merged("m1");
        });
        ScriptedWorker worker = new ScriptedWorker(ConductorTest::done);

        RunOutcome outcome = run(conductor(worker, CountingValidator.passing()).build(), 1, plain("a"));

        assertThat(outcome.merged()).containsExactly("a");
        assertThat(events.of(RunEvent.TransientFailure.class)).singleElement()
                .satisfies(t -> assertThat(t.backoff()).isEqualTo(Duration.ofMillis(1)));
        assertThat(events.of(RunEvent.Retried.class)).isEmpty();
    }

    @Test
    void aRunawayErrorIsBoundedTransientOnesByTheirLimitOthersFailAtOnce() {
        // issue 13: `daily_usd: 1e400` made an ArithmeticException requeue the task 6,162 times
        ScriptedWorker arithmetic = new ScriptedWorker(a -> {
            throw new ArithmeticException("Overflow");
        });
        RunOutcome failed = run(conductor(arithmetic, CountingValidator.passing()).build(), 2, plain("a"));
        assertThat(failed.failed()).containsExactly("a");
        assertThat(arithmetic.assignments).hasSize(1);
        assertThat(events.of(RunEvent.TaskFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("Overflow"));
    }

    @Test
    void aTransientErrorForeverGivesUpAfterItsLimit() {
        ScriptedWorker locked = new ScriptedWorker(a -> {
            throw new KleiberException("database is locked (SQLITE_BUSY)", 1);
        });

        RunOutcome outcome = run(conductor(locked, CountingValidator.passing()).build(), 1, plain("a"));

        assertThat(outcome.failed()).containsExactly("a");
        assertThat(locked.assignments).hasSize(3);
        assertThat(events.of(RunEvent.TransientFailure.class)).extracting(RunEvent.TransientFailure::failure)
                .containsExactly(1, 2);
        assertThat(events.of(RunEvent.TaskFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("gave up after 2 transient failures"));
    }

    @Test
    void noTaskGetsMoreAttemptsThanTheBoundWhateverSendsItBack() {
        ScriptedWorker locked = new ScriptedWorker(a -> {
            throw new KleiberException("database is locked (SQLITE_BUSY)", 1);
        });
        Conductor conductor = conductor(locked, CountingValidator.passing()).transientRetries(10, Duration.ofMillis(1))
                .maxAttempts(2).build();

        RunOutcome outcome = run(conductor, 1, plain("a"));

        assertThat(locked.assignments).hasSize(2);
        assertThat(outcome.failed()).containsExactly("a");
        assertThat(events.of(RunEvent.TaskFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("attempt 3 passes the limit of 2 attempts"));
    }

    @Test
    void aBudgetPauseSpendsNoAttemptSoEveryResumeContinuesTheSameOneUntilItIsDone() {
        // issue 13, defect 9: each `kleiber resume` while still paused added an attempt (Kleiber-Attempt: 6 for one session)
        AtomicInteger paused = new AtomicInteger();
        ScriptedWorker worker = new ScriptedWorker(a -> paused.incrementAndGet() <= 3
                ? new WorkOutcome.BudgetPaused("budget: the daily limit of $1.00 would be passed") : done(a));
        Conductor conductor = conductor(worker, CountingValidator.passing()).maxAttempts(2).build();

        assertThat(run(conductor, 1, plain("a")).pause()).isPresent();
        assertThat(conductor.resume(RUN, 1).await().pause()).as("the budget is still spent").isPresent();
        assertThat(conductor.resume(RUN, 1).await().queued()).containsExactly("a");
        assertThat(record("a").attempts()).isZero();
        RunOutcome raised = conductor.resume(RUN, 1).await();

        assertThat(raised.merged()).containsExactly("a");
        assertThat(worker.started()).containsExactly("a#1@sonnet", "a#1@sonnet", "a#1@sonnet", "a#1@sonnet");
        assertThat(record("a").attempts()).isEqualTo(1);
        assertThat(events.of(RunEvent.Retried.class)).isEmpty();
        assertThat(events.of(RunEvent.TaskFailed.class)).isEmpty();
    }

    @Test
    void aLostLeaseInterruptsTheWorkerAndTheTaskRunsAgainInAnotherWorktree() throws Exception {
        CountDownLatch working = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        ScriptedWorker worker = new ScriptedWorker(a -> {
            if (a.attempt() > 1) {
                return done(a);
            }
            working.countDown();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return new WorkOutcome.Failed("the session was stopped");
        });
        RunHandle handle = conductor(worker, CountingValidator.passing()).leaseTtl(Duration.ofSeconds(2)).build()
                .start(RUN, "a request", new Plan(List.of(plain("a"))), planText(plain("a")), 1);
        assertThat(working.await(30, TimeUnit.SECONDS)).isTrue();
        // another process took over: the lease is gone from the store
        store.database().write(tx -> tx.update("DELETE FROM leases WHERE subject = ?", "task:" + RUN + "/a"));

        RunOutcome outcome = handle.completion().get(60, TimeUnit.SECONDS);

        assertThat(interrupted).isTrue();
        // (on a busy machine a later heartbeat may come late too: then that attempt is lost and redone as well)
        assertThat(events.of(RunEvent.LeaseLost.class)).isNotEmpty().first()
                .satisfies(lost -> assertThat(lost.reason()).contains("lost while its agent worked"));
        assertThat(outcome.merged()).containsExactly("a");
        assertThat(workspace.opened).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
        assertThat(workspace.merged).containsExactly("a");
        // the lost attempt's failure was not counted against the agent
        assertThat(events.of(RunEvent.Retried.class)).isEmpty();
    }

    @Test
    void stoppingARunStartsNothingNewAndLeavesTheRestQueued() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedWorker worker = new ScriptedWorker(a -> {
            first.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return done(a);
        });
        RunHandle handle = conductor(worker, CountingValidator.passing()).build()
                .start(RUN, "a request", new Plan(List.of(plain("a"), plain("b"))), planText(plain("a"), plain("b")), 1);
        assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();

        handle.stop();
        release.countDown();
        RunOutcome outcome = handle.await();

        assertThat(worker.assignments).hasSize(1);
        assertThat(outcome.merged()).hasSize(1);
        assertThat(outcome.queued()).hasSize(1);
    }

    @Test
    void aResumeContinuesWhereTheRunStoppedAndMergesNothingTwice() {
        Map<String, Integer> runs = new java.util.concurrent.ConcurrentHashMap<>();
        ScriptedWorker worker = new ScriptedWorker(a -> {
            runs.merge(a.task().id(), 1, Integer::sum);
            return a.task().id().equals("b") && runs.get("b") == 1
                    ? new WorkOutcome.Blocked(BlockType.UNCLEAR_REQUIREMENTS, "which carrier?") : done(a);
        });
        Conductor conductor = conductor(worker, CountingValidator.passing()).build();
        RunOutcome first = run(conductor, 2, plain("a"), plain("b"), plain("c", "b"));
        assertThat(first.merged()).containsExactly("a");
        assertThat(first.blocked()).containsExactly("b");
        assertThat(first.waiting()).containsKey("c");

        store.tasks().transition(RUN, "b", TaskState.QUEUED, "a person answered");
        RunOutcome resumed = conductor.resume(RUN, 2).await();

        assertThat(resumed.merged()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(workspace.merged.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())))
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        assertThat(runs).containsEntry("a", 1).containsEntry("b", 2).containsEntry("c", 1);
        assertThat(events.of(RunEvent.TaskBlocked.class)).singleElement()
                .satisfies(b -> assertThat(b.by()).isEqualTo(RunEvent.BlockedBy.AGENT));
    }

    @Test
    void aResumeAfterAKillReclaimsTheDeadProcesssTasksAndNeverMergesTwiceWhatReachedMainBeforeTheStoreHeard()
            throws Exception {
        AtomicBoolean paused = new AtomicBoolean(true);
        ScriptedWorker worker = new ScriptedWorker(a -> paused.get()
                ? new WorkOutcome.BudgetPaused("budget: the daily limit of $1.00 would be passed") : done(a));
        Conductor conductor = conductor(worker, CountingValidator.passing()).build();
        run(conductor, 1, plain("a"), plain("b"), plain("c", "a"));
        // a killed process held a and b: its holder name is this process's with another start time (a PID reused),
        // and its leases would have lived ten more minutes; b's merge reached main before the store heard of it
        String own = LeaseHolder.local().name("conductor");
        String dead = own.contains("~") ? own.replaceAll("~\\d+$", "~1") : "conductor-1";
        assertThat(store.tasks().claim(RUN, List.of("a"), dead, Duration.ofMillis(own.contains("~") ? 600_000 : 1)))
                .isPresent();
        assertThat(store.tasks().claim(RUN, List.of("b"), dead, Duration.ofMillis(own.contains("~") ? 600_000 : 1)))
                .isPresent();
        workspace.merged.add("b");
        paused.set(false);
        events.events.clear();

        // bounded: a dead holder's tasks not reclaimed would keep the run waiting for their leases
        RunOutcome resumed = conductor.resume(RUN, 2).completion().get(60, TimeUnit.SECONDS);

        assertThat(resumed.merged()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(events.of(RunEvent.TaskReclaimed.class)).extracting(RunEvent.TaskReclaimed::taskId)
                .containsExactlyInAnyOrder("a", "b");
        assertThat(events.of(RunEvent.FoundMerged.class)).containsExactly(new RunEvent.FoundMerged(RUN, "b"));
        assertThat(events.of(RunEvent.TaskStarted.class)).extracting(RunEvent.TaskStarted::taskId)
                .containsExactlyInAnyOrder("a", "c");
        assertThat(workspace.merged).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(workspace.recorded).as("one CHANGELOG entry each").containsExactlyInAnyOrder("a", "b", "c");
        // the killed attempt is not the agent's failure, and c waited for a's merge
        assertThat(events.of(RunEvent.Retried.class)).isEmpty();
        assertThat(events.events.indexOf(new RunEvent.TaskStarted(RUN, "c", "engineer-backend", Tier.SONNET, 1)))
                .isGreaterThan(events.events.indexOf(events.of(RunEvent.Merged.class).stream()
                        .filter(m -> m.taskId().equals("a")).findFirst().orElseThrow()));
        long leases = store.database().read(tx -> tx.number("SELECT COUNT(*) FROM leases WHERE subject IS NOT NULL"));
        assertThat(leases).as("task leases left").isZero();
    }

    @Test
    void aRunPausedByTheBudgetResumesWhereItStoppedWithoutCountingThePauseAsAFailure() {
        AtomicBoolean raised = new AtomicBoolean();
        ScriptedWorker worker = new ScriptedWorker(a -> raised.get() ? done(a)
                : new WorkOutcome.BudgetPaused("budget: the run limit of $2.00 would be passed"));
        Conductor conductor = conductor(worker, CountingValidator.passing()).build();

        RunOutcome paused = run(conductor, 2, plain("a"), plain("b", "a"));
        assertThat(paused.pause()).isPresent();
        assertThat(store.runs().find(RUN).orElseThrow().state()).isEqualTo("paused");

        raised.set(true);
        RunOutcome resumed = conductor.resume(RUN, 2).await();

        assertThat(resumed.pause()).isEmpty();
        assertThat(resumed.merged()).containsExactlyInAnyOrder("a", "b");
        assertThat(store.runs().find(RUN).orElseThrow().state()).isEqualTo("finished");
        assertThat(events.of(RunEvent.Retried.class)).isEmpty();
        assertThat(record("a").tier()).as("a pause climbs no ladder").isEqualTo(Tier.SONNET);
        assertThat(worker.assignments.getLast().feedback()).as("nothing to learn from a pause").isEmpty();
    }

    @Test
    void badUsageIsRefusedBeforeAnythingIsRecorded() {
        Conductor conductor = conductor(new ScriptedWorker(ConductorTest::done), CountingValidator.passing()).build();
        assertThatThrownBy(() -> conductor.start(RUN, "r", new Plan(List.of(plain("a"))), "plan", 0))
                .isInstanceOf(KleiberException.class).hasMessageContaining("workers must be at least 1");
        assertThat(store.runs().find(RUN)).isEmpty();
        assertThatThrownBy(() -> conductor.resume("nosuchrun", 1)).hasMessageContaining("no run 'nosuchrun'");
    }
}
