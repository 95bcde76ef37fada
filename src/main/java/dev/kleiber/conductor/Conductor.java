package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.RoleSpec;
import dev.kleiber.agent.SessionLimits;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.agent.TaskRun;
import dev.kleiber.agent.TaskRunner;
import dev.kleiber.agent.ToolEvent;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.git.FileChange;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.TaskGraph;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.Tier;
import dev.kleiber.scribe.Scribe;
import dev.kleiber.scribe.SessionSummary;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Event;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.LeaseLostException;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;
import dev.kleiber.validate.CommandCheck;
import dev.kleiber.validate.ValidationReport;
import dev.kleiber.validate.ValidationRequest;
import dev.kleiber.validate.Validator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Executes a plan end to end: records its routed tasks, then runs them on N workers in critical-path order,
 * each in its own worktree on {@code feature/{task-id}-{slug}} branched from main as it stands when the task
 * starts; validates completed work, stops forced-review tasks for a person, merges the rest into main in
 * dependency order and documents what merged. The store is the truth: the scheduler is rebuilt from it at
 * every step, so a resumed run continues exactly where the last one stopped.
 */
public final class Conductor {
    /** Hears one line per thing that happened, for a terminal or a log. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (task, message) -> { };

        void event(String taskId, String message);
    }

    static final Duration LEASE_TTL = Duration.ofSeconds(30);
    static final String FAILURE_EVENT = "conductor.failure";
    static final String FEEDBACK_EVENT = "conductor.feedback";
    static final String VALIDATED_EVENT = "review.validated";
    static final String SUMMARIZED_EVENT = "session.summarized";
    private static final int FEEDBACK_OUTPUT_CHARS = 3000;

    private final Store store;
    private final Ledger ledger;
    private final LlmClient client;
    private final GitRepository git;
    private final ProjectConfig project;
    private final Router router;
    private final Map<String, String> env;
    private final Clock clock;
    private final Listener listener;
    private final Merger merger;
    private final DiffReview diffReview;
    private final OutcomeRecorder outcomes;
    private final OrchestrationLog log;
    private final TaskRunner runner;
    private final Validator validator;
    private final LeaseHolder holders;
    private final BlockedDesk desk;
    private final String holder;
    private final Object lock = new Object();

    public Conductor(Store store, Ledger ledger, LlmClient client, GitRepository git, ProjectConfig project,
                     Router router, Map<String, String> env, Clock clock, Listener listener) {
        this.store = store;
        this.ledger = ledger;
        this.client = client;
        this.git = git;
        this.project = project;
        this.router = router;
        this.env = Map.copyOf(env);
        this.clock = clock;
        this.listener = listener;
        Path root = project.layout().root();
        this.merger = new Merger(git, store.merges(), root, project.knownRoles(), clock);
        this.diffReview = new DiffReview(git, project.settings().routing().sensitivePaths());
        this.outcomes = new OutcomeRecorder(store, project.layout().root().toString(), clock);
        this.log = new OrchestrationLog(project.layout().orchestrationLog());
        KleiberConfig settings = project.settings();
        CommandSandbox.Settings sandbox = sandboxSettings(settings);
        this.runner = new TaskRunner(client, SessionLimits.of(settings.agent().maxTurns(), settings.agent().maxOutputTokens()),
                sandbox, env, clock, settings.changeLimits());
        this.validator = new Validator(new SandboxCommandRunner(role(Roles.VALIDATOR).permissions(), env, sandbox), clock,
                worktree -> project.settings().layout().lint());
        this.desk = new BlockedDesk(store, ledger, client, git, project, router, clock, listener, log);
        this.holders = LeaseHolder.local();
        this.holder = holders.name("conductor");
    }

    static CommandSandbox.Settings sandboxSettings(KleiberConfig settings) {
        return CommandSandbox.Settings.of(settings);
    }

    /** Records {@code plan} as run {@code runId} (task files, tasks, dependencies) and runs it. */
    public RunOutcome start(String runId, String request, Plan plan, String planText, int workers) {
        RunPlan routed = RunPlan.route(runId, plan, router);
        List<Tasks.NewTask> tasks = new ArrayList<>();
        for (PlannedTask task : plan.tasks()) {
            RoutedTask r = routed.task(task.id());
            writeTaskFile(runId, r, r.tier(), Optional.empty());
            tasks.add(new Tasks.NewTask(task.id(), task.agent(), r.tier(), task.dependsOn()));
            listener.event(task.id(), "planned: " + task.agent() + " on " + r.tier().id()
                    + (r.needsReview() ? ", human review required" : "")
                    + " (" + r.decision().reasons().stream().map(x -> x.ruleId()).distinct().reduce((a, b) -> a + ", " + b).orElse("") + ")");
        }
        // one transaction: a crash leaves the whole run to resume, or no run at all to start again
        store.runs().create(runId, request, tx -> {
            store.events().append(tx, runId, "", RunPlan.PLAN_EVENT, planText);
            store.tasks().add(tx, runId, tasks);
            return null;
        });
        return run(routed, workers);
    }

    /** Continues {@code runId}: expired leases are reclaimed and unfinished tasks run from their branches. */
    public RunOutcome resume(String runId, int workers) {
        store.runs().find(runId).orElseThrow(() -> KleiberException.badInput("no run '" + runId + "' in the store"));
        store.runs().setState(runId, "active");
        return run(RunPlan.load(store, runId, project.knownRoles(), router), workers);
    }

    private final class RunState {
        volatile RunPlan plan;
        Dispatcher dispatcher;
        final int workers;
        int active;
        Optional<String> pause = Optional.empty();
        /** Tasks whose blocked file the conductor is answering, or failed to answer in this run (not retried until the next). */
        final Set<String> answering = new java.util.HashSet<>();
        final Set<String> unanswerable = new java.util.HashSet<>();

        RunState(RunPlan plan, int workers) {
            this.workers = workers;
            replanned(plan);
        }

        /** The conductor changed the plan (a re-plan or a resolution task). Called holding the lock. */
        void replanned(RunPlan plan) {
            this.plan = plan;
            this.dispatcher = new Dispatcher(store, plan.runId(), TaskGraph.of(plan.plan()).criticalPath(), workers,
                    holder, LEASE_TTL);
        }
    }

    private RunOutcome run(RunPlan plan, int workers) {
        if (workers < 1) {
            throw KleiberException.badInput("workers must be at least 1; found " + workers);
        }
        RunState state = new RunState(plan, workers);
        String runId = plan.runId();
        // a killed process's leases hold nothing: reclaim them now rather than when they would expire
        store.leases().expireDeadHolders(holders);
        ledger.releaseAbandonedReservations();
        for (TaskRecord expired : store.tasks().requeueExpired(runId)) {
            listener.event(expired.id(), "reclaimed: its worker's lease expired");
        }
        new RunRepair(store, ledger, merger, log).repair(plan);
        removeFinishedWorktrees(plan);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            synchronized (lock) {
                while (true) {
                    store.leases().expireDeadHolders(holders);
                    store.tasks().requeueExpired(runId);
                    if (state.pause.isEmpty()) {
                        answerBlocked(state, pool);
                        dispatch(state, pool);
                    }
                    if (state.active == 0) {
                        boolean othersHoldTasks = store.tasks().ofRun(runId).stream().anyMatch(t -> t.state().isLeased());
                        if (state.pause.isPresent() || !othersHoldTasks) {
                            break;
                        }
                    }
                    // a worker finishing wakes us; a task held by another (or a dead) process, and a blocked file a
                    // person drops in while agents work, are polled
                    lock.wait(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KleiberException.failed("the run was interrupted; continue it with `kleiber resume`", e);
        }
        outcomes.record(plan);
        return finish(state);
    }

    /** Hands each unanswered blocked file to the conductor, one task at a time. Called holding the lock. */
    private void answerBlocked(RunState state, ExecutorService pool) {
        Set<String> busy = new java.util.HashSet<>(state.answering);
        busy.addAll(state.unanswerable);
        for (BlockedDesk.Pending pending : desk.collect(state.plan.runId(), busy)) {
            state.answering.add(pending.taskId());
            state.active++;
            pool.submit(() -> answer(pending, state));
        }
    }

    private void answer(BlockedDesk.Pending pending, RunState state) {
        String runId = state.plan.runId();
        try {
            BlockedAnswer answer = desk.decide(runId, pending, state.plan);
            synchronized (lock) {
                desk.apply(runId, pending, answer).ifPresent(state::replanned);
            }
        } catch (dev.kleiber.ledger.BudgetExceededException e) {
            synchronized (lock) {
                state.pause = Optional.of("budget: " + e.getMessage());
            }
            listener.event(pending.taskId(), "paused: the conductor's answer would pass the budget: " + e.getMessage());
        } catch (RuntimeException e) {
            synchronized (lock) {
                state.unanswerable.add(pending.taskId());
            }
            listener.event(pending.taskId(), "the conductor could not answer " + desk.relative(pending.file()) + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
        } finally {
            synchronized (lock) {
                state.answering.remove(pending.taskId());
                state.active--;
                lock.notifyAll();
            }
        }
    }

    /** Starts what the scheduler says may start now. Called holding the lock. */
    private void dispatch(RunState state, ExecutorService pool) {
        for (Claim claim : state.dispatcher.dispatch()) {
            state.active++;
            pool.submit(() -> work(claim, state));
        }
    }

    /** A worker: runs the claimed task, and again (or the next queued one) while it goes back to the queue. */
    private void work(Claim first, RunState state) {
        Optional<Claim> next = Optional.of(first);
        try {
            while (next.isPresent()) {
                Claim claim = next.get();
                boolean requeued = false;
                try {
                    requeued = attempt(claim, state);
                } catch (LeaseLostException e) {
                    listener.event(claim.task().id(), "stopped: " + e.getMessage());
                } catch (RuntimeException e) {
                    failHard(claim, e);
                }
                synchronized (lock) {
                    next = requeued && state.pause.isEmpty()
                            ? state.dispatcher.claimOne() : Optional.empty();
                }
            }
        } catch (RuntimeException e) {
            listener.event("", "a worker stopped: " + e.getMessage());
        } finally {
            synchronized (lock) {
                state.active--;
                lock.notifyAll();
            }
        }
    }

    private void failHard(Claim claim, RuntimeException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        listener.event(claim.task().id(), "failed: " + message);
        try {
            store.tasks().transition(claim, TaskState.FAILED, message);
        } catch (RuntimeException ignored) {
            // the lease is gone or the task moved on: the store keeps whatever state is true
        }
    }

    /**
     * One attempt at a claimed task. Returns the reason to put it back in the queue (a retry, an escalation, a
     * budget pause), or empty when the task reached its next resting state.
     */
    private boolean attempt(Claim claim, RunState state) {
        Optional<String> requeue = attemptOnce(claim, state);
        return requeue.isPresent();
    }

    private Optional<String> attemptOnce(Claim claim, RunState state) {
        String runId = state.plan.runId();
        TaskRecord record = claim.task();
        RoutedTask task = state.plan.task(record.id());
        Tier tier = record.tier();
        if (merger.isMerged(runId, task)) {
            // merged before a crash let the store hear of it: never run or merge it again
            store.tasks().transition(claim, TaskState.VALIDATING, "its work is already on main");
            store.tasks().transition(claim, TaskState.MERGED, "found merged on main");
            merger.record(task, tier.id());
            removeWorktree(task);
            listener.event(task.id(), "merged (found on main)");
            return Optional.empty();
        }
        try (LeaseKeeper keeper = new LeaseKeeper(store.leases(), claim.lease(), LEASE_TTL, lost -> { })) {
            Optional<String> requeue = attemptIn(prepareWorktree(task), claim, task, tier, state);
            if (requeue.isPresent()) {
                // while the lease still holds: closing the keeper ends it
                synchronized (lock) {
                    store.tasks().transition(claim, TaskState.QUEUED, requeue.get());
                }
            }
            return requeue;
        } finally {
            // the branch keeps the work; a later attempt, a review or a resume starts from it
            removeWorktree(task);
        }
    }

    private Optional<String> attemptIn(Path worktree, Claim claim, RoutedTask task, Tier tier, RunState state) {
        String runId = state.plan.runId();
        {
            TaskFile file = writeTaskFile(runId, task, tier, latestFeedback(runId, task.id()));
            listener.event(task.id(), "running: " + task.agent() + " on " + tier.id() + ", attempt " + claim.attempt());
            TaskRun run = runner.run(new TaskRunner.Assignment(file, role(task.agent()), tier,
                            project.settings().modelFor(tier), runId, claim.attempt(), project.layout().root(), worktree,
                            git.inWorktree(worktree)),
                    AgentSession.Listener.NONE, event -> {
                        // a refusal is the sandbox at work: a person watching the run should see it as it happens
                        if (event instanceof ToolEvent.Refused refused) {
                            listener.event(task.id(), "refused " + refused.tool() + " (" + refused.inputSummary() + "): "
                                    + firstLine(refused.reason()));
                        }
                    });
            logSession(runId, task, claim.attempt(), tier);
            return switch (run.outcome()) {
                case SessionOutcome.Completed done -> validateAndLand(claim, task, worktree, tier, state);
                case SessionOutcome.Blocked blocked -> {
                    store.tasks().transition(claim, TaskState.BLOCKED, blocked.type().id() + ": " + blocked.problem());
                    listener.event(task.id(), "blocked (" + blocked.type().id() + "): " + firstLine(blocked.problem()));
                    yield Optional.empty();
                }
                case SessionOutcome.Escalated escalated -> escalate(claim, task, tier, escalated.reason(),
                        Triage.learnt(tier, escalated.reason(), run.session().approach(), run.filesChanged(), run.commit(),
                                run.refusals()));
                case SessionOutcome.Failed failed when failed.reason().startsWith("budget") -> {
                    synchronized (lock) {
                        state.pause = Optional.of(failed.reason());
                    }
                    listener.event(task.id(), "paused: " + failed.reason());
                    yield Optional.of("the budget paused the run");
                }
                case SessionOutcome.Failed failed -> failure(claim, task, tier, "The agent session failed: " + failed.reason());
            };
        }
    }

    private Optional<String> escalate(Claim claim, RoutedTask task, Tier tier, String reason, String learnt) {
        String runId = claim.task().runId();
        if (tier == Tier.OPUS) {
            return failure(claim, task, tier, "The agent asked to escalate, but it already runs on opus: " + reason);
        }
        store.tasks().changeTier(runId, task.id(), Tier.OPUS, "escalated: " + reason);
        store.events().append(runId, task.id(), FEEDBACK_EVENT, learnt);
        listener.event(task.id(), "escalated to opus: " + firstLine(reason));
        return Optional.of("escalated from " + tier.id() + " to opus");
    }

    /**
     * The retry policy for a failed attempt: one more attempt on the same model with the failure as feedback,
     * then one a tier up, then the task is blocked for a person.
     */
    private Optional<String> failure(Claim claim, RoutedTask task, Tier tier, String feedback) {
        String runId = claim.task().runId();
        store.events().append(runId, task.id(), FAILURE_EVENT, feedback);
        store.events().append(runId, task.id(), FEEDBACK_EVENT, feedback);
        long failures = store.events().ofTask(runId, task.id()).stream()
                .filter(e -> e.kind().equals(FAILURE_EVENT)).count();
        if (failures == 1) {
            listener.event(task.id(), "retrying on " + tier.id() + ": " + firstLine(feedback));
            return Optional.of("retry on " + tier.id() + " with the failure as feedback");
        }
        if (failures == 2 && tier != Tier.OPUS) {
            store.tasks().changeTier(runId, task.id(), tier.up(), "failed twice on " + tier.id());
            listener.event(task.id(), "retrying on " + tier.up().id() + ": " + firstLine(feedback));
            return Optional.of("retry on " + tier.up().id() + " after failing twice on " + tier.id());
        }
        Path blocked = merger.write(new BlockedFile(task.id(), task.agent(), merger.now(), BlockType.TECHNICAL,
                "The task failed " + failures + " attempts, the last on " + tier.id() + ":\n\n" + clip(feedback),
                List.of("Retried with the failure as feedback", "Retried a tier up"),
                "Look at the report and the branch " + task.branch() + "; clarify the task or fix it, then `kleiber resume`.",
                List.of(), List.of()));
        store.tasks().transition(claim, TaskState.BLOCKED, "failed " + failures + " attempts; see "
                + project.layout().root().relativize(blocked));
        listener.event(task.id(), "blocked: failed " + failures + " attempts");
        return Optional.empty();
    }

    private Optional<String> validateAndLand(Claim claim, RoutedTask task, Path worktree, Tier tier, RunState state) {
        store.tasks().transition(claim, TaskState.VALIDATING, "the agent completed it");
        String commit = git.commitOf("refs/heads/" + task.branch());
        if (ReviewDesk.rejected(store, claim.task().runId(), task.id()).equals(Optional.of(commit))) {
            return failure(claim, task, tier, "A person rejected commit " + commit.substring(0, 12) + " in review and the "
                    + "branch has no new commit since: make the change the reviewer asked for before completing the task.");
        }
        ValidationReport report = validate(task, worktree, commit);
        if (!report.passed()) {
            return failure(claim, task, tier, "Validation failed (reports/" + task.id() + "-validation.md):\n"
                    + feedbackOf(report));
        }
        listener.event(task.id(), "validated at " + commit.substring(0, 12));
        // computed for forced tasks too: the reviewer sees it, and route stats measure forced-review precision by it
        List<dev.kleiber.routing.Reason> touched = diffReview.reasons(task);
        if (!touched.isEmpty()) {
            store.events().append(claim.task().runId(), task.id(), DiffReview.EVENT, DiffReview.lines(touched));
            if (!task.needsReview()) {
                listener.event(task.id(), "the diff needs review: " + touched.getFirst().evidence());
            }
        }
        if (task.needsReview() || !touched.isEmpty()) {
            store.events().append(claim.task().runId(), task.id(), VALIDATED_EVENT, commit);
            store.tasks().transition(claim, TaskState.AWAITING_REVIEW, "validated at " + commit + "; a person must review it"
                    + (touched.isEmpty() ? "" : " (" + touched.getFirst().ruleId() + ": " + touched.getFirst().evidence() + ")"));
            listener.event(task.id(), "awaiting review: `kleiber review show " + task.id() + "`");
            return Optional.empty();
        }
        switch (merger.merge(claim.task().runId(), task, claim.attempt())) {
            case Merger.Result.Merged merged -> {
                store.tasks().transition(claim, TaskState.MERGED, "merged into main as " + merged.commit());
                merger.record(task, tier.id());
                removeWorktree(task);
                listener.event(task.id(), "merged into main (" + merged.commit().substring(0, 12) + ")");
            }
            case Merger.Result.Conflicted conflicted -> {
                Path file = merger.writeConflict(task, conflicted.files());
                store.tasks().transition(claim, TaskState.BLOCKED, "merge conflict in " + String.join(", ", conflicted.files()));
                listener.event(task.id(), "blocked: merge conflict, see " + project.layout().root().relativize(file));
            }
        }
        return Optional.empty();
    }

    ValidationReport validate(RoutedTask task, Path worktree, String commit) {
        KleiberConfig.Validate settings = project.settings().validate();
        List<CommandCheck> commands = settings.commands().stream()
                .map(c -> new CommandCheck(c.name(), c.run(), c.timeout())).toList();
        ValidationReport report = validator.validate(new ValidationRequest(task.id(), worktree, Optional.of(commit),
                commands, settings.coverageMinPercent(), List.of(task.branch()), changedPaths(task)));
        Validator.write(project.layout().root(), report);
        return report;
    }

    /** Every file the task's own commits touched, across its attempts: one diff from where its branch left main. */
    private List<Path> changedPaths(RoutedTask task) {
        return git.changes(Merger.MAIN + "...refs/heads/" + task.branch()).stream()
                .filter(change -> change.kind() != FileChange.Kind.DELETED).map(change -> Path.of(change.path())).toList();
    }

    private static String feedbackOf(ValidationReport report) {
        StringBuilder text = new StringBuilder();
        report.failures().forEach(check -> {
            text.append("- ").append(check.name()).append(": ").append(check.summary()).append('\n');
            if (!check.output().isBlank()) {
                text.append(clip(check.output().strip())).append('\n');
            }
        });
        return text.toString().strip();
    }

    private static String clip(String text) {
        return text.length() <= FEEDBACK_OUTPUT_CHARS ? text
                : "[...]\n" + text.substring(text.length() - FEEDBACK_OUTPUT_CHARS);
    }

    private Optional<String> latestFeedback(String runId, String taskId) {
        return store.events().ofTask(runId, taskId).stream()
                .filter(e -> e.kind().equals(FEEDBACK_EVENT))
                .map(Event::detail).reduce((first, second) -> second);
    }

    /** A fresh worktree on the task's branch: a half-done attempt's uncommitted edits are dropped, its commits kept. */
    private Path prepareWorktree(RoutedTask task) {
        Path path = worktreeOf(task);
        removeWorktree(task);
        git.addWorktree(path, task.branch(), Merger.MAIN);
        return path;
    }

    private void removeWorktree(RoutedTask task) {
        Path path = worktreeOf(task);
        // a registration whose folder is gone is pruned once per run, not looked up per task
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            git.removeWorktree(path);
        }
    }

    private void removeFinishedWorktrees(RunPlan plan) {
        // a merge cut short by a crash leaves the scratch worktree behind, a protocol write its temp file
        git.removeWorktree(mergeWorktree());
        git.pruneWorktrees();
        Path root = project.layout().root();
        try {
            ProtocolFiles.removeAbandonedTemps(Arrays.stream(Kind.values()).map(k -> root.resolve(k.folder())).toList());
        } catch (IOException e) {
            listener.event("", "could not clear abandoned temp files: " + e.getMessage());
        }
        for (TaskRecord record : store.tasks().ofRun(plan.runId())) {
            if (record.state() == TaskState.MERGED || record.state() == TaskState.CANCELLED) {
                removeWorktree(plan.task(record.id()));
            }
        }
    }

    private Path worktreeOf(RoutedTask task) {
        return project.layout().worktreesDir().resolve(task.id()).toAbsolutePath().normalize();
    }

    private Path mergeWorktree() {
        return project.layout().worktreesDir().resolve("_merge");
    }

    RoleSpec role(String name) {
        return project.agent(name).map(RoleSpec::from).orElseGet(() -> new RoleSpec(name,
                "You are " + name.toUpperCase(java.util.Locale.ROOT) + ".", RolePermissions.blueprintDefault(name)));
    }

    /** Writes tasks/{agent}/{task-id}.md as this attempt sees it: its model and any feedback from before. */
    private TaskFile writeTaskFile(String runId, RoutedTask routed, Tier tier, Optional<String> feedback) {
        return new TaskFileWriter(project.layout().root()).write(routed, tier, created(runId), feedback);
    }

    private OffsetDateTime created(String runId) {
        java.time.Instant at = store.runs().find(runId).map(r -> r.createdAt()).orElse(clock.instant());
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    }

    private void logSession(String runId, RoutedTask task, int attempt, Tier tier) {
        ledger.session(runId, task.id(), attempt).ifPresent(session -> {
            synchronized (log) {
                log.appendSessions(List.of(OrchestrationLog.Row.of(session, tier,
                        tier == task.tier() ? Optional.empty() : Optional.of(task.tier()))));
            }
        });
    }

    private RunOutcome finish(RunState state) {
        RunOutcome outcome = outcome(store, state.plan.runId(), state.pause);
        String runId = state.plan.runId();
        store.runs().setState(runId, outcome.finished() ? "finished" : state.pause.isPresent() ? "paused" : "waiting");
        String progress = progress(runId);
        boolean summarized = store.events().ofTask(runId, "").stream().filter(e -> e.kind().equals(SUMMARIZED_EVENT))
                .reduce((first, second) -> second).map(e -> e.detail().equals(progress)).orElse(false);
        if (summarized) {
            // a resume that found nothing to do is not a session: no second Daily Summary or PROGRESS entry
            return outcome;
        }
        synchronized (log) {
            log.appendSummary(ledger.dailySummary(ledger.today()));
        }
        List<String> blocked = new ArrayList<>(outcome.blocked());
        new Scribe(project.layout().root()).summarize(new SessionSummary(runId,
                store.runs().find(runId).map(r -> r.request()).orElse(""),
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS),
                outcome.merged(), outcome.awaitingReview(), blocked, outcome.failed(),
                ledger.cost(Optional.empty(), Optional.of(runId)).totalUsd()));
        // after the summary is written: a kill before this point summarizes again on resume
        store.events().append(runId, "", SUMMARIZED_EVENT, progress);
        return outcome;
    }

    /** What a session changes: the run's billed calls and its tasks' states. */
    private String progress(String runId) {
        return ledger.cost(Optional.empty(), Optional.of(runId)).calls() + " calls; "
                + new java.util.TreeMap<>(store.tasks().states(runId));
    }

    /** Where every task of {@code runId} stands, and what each task that cannot start waits for. */
    static RunOutcome outcome(Store store, String runId, Optional<String> pause) {
        List<TaskRecord> records = store.tasks().ofRun(runId);
        Map<String, TaskRecord> byId = new HashMap<>();
        records.forEach(r -> byId.put(r.id(), r));
        Map<TaskState, List<String>> byState = new LinkedHashMap<>();
        Map<String, List<String>> waiting = new LinkedHashMap<>();
        List<String> queued = new ArrayList<>();
        for (TaskRecord record : records) {
            byState.computeIfAbsent(record.state(), s -> new ArrayList<>()).add(record.id());
            if (record.state() == TaskState.PLANNED || record.state() == TaskState.QUEUED) {
                List<String> blockers = record.dependsOn().stream().filter(d -> byId.get(d).state() != TaskState.MERGED)
                        .map(d -> d + " (" + byId.get(d).state().id() + ")").toList();
                if (blockers.isEmpty()) {
                    queued.add(record.id());
                } else {
                    waiting.put(record.id(), blockers);
                }
            }
        }
        return new RunOutcome(runId, byState.getOrDefault(TaskState.MERGED, List.of()),
                byState.getOrDefault(TaskState.AWAITING_REVIEW, List.of()), byState.getOrDefault(TaskState.BLOCKED, List.of()),
                byState.getOrDefault(TaskState.FAILED, List.of()), queued, waiting, pause);
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }
}
