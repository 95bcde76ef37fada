package dev.kleiber.conductor;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;
import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.SessionLimits;
import dev.kleiber.agent.TaskRunner;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.Requirements;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.RoutingPolicies;
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
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.Tier;
import dev.kleiber.scribe.RunRecords;
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
import dev.kleiber.validate.ValidationReport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Executes a plan end to end: records its routed tasks, then runs them on N workers in critical-path order,
 * each attempt in its own worktree on {@code feature/{task-id}-{slug}}; validates completed work, stops
 * forced-review tasks for a person, merges the rest into main in dependency order and documents what merged.
 * The store is the truth: the scheduler is rebuilt from it at every step, so a resumed run continues exactly
 * where the last one stopped.
 *
 * <p>Built from its ports ({@link #builder}): a {@link Worker} runs an attempt, a {@link Workspace} holds the
 * repository, a {@link TaskValidator} checks work, the {@link Store} is the queue; what happens is published as
 * {@link RunEvent}s to {@link RunListener}s.
 */
public final class Conductor {
    static final Duration LEASE_TTL = Duration.ofSeconds(30);
    /** History of the agent's failed attempts (route stats read it); the retry ladder counts in task_failures. */
    static final String FAILURE_EVENT = "conductor.failure";
    static final String FEEDBACK_EVENT = "conductor.feedback";
    /** How a failure event of a failed validation begins; route stats count those by it. */
    static final String VALIDATION_FAILED = "Validation failed";
    /** The store event that carries a worker's budget pause of a remote run to its conductor. */
    static final String BUDGET_PAUSED_EVENT = "worker.budget_paused";
    static final String VALIDATED_EVENT = "review.validated";
    static final String SUMMARIZED_EVENT = "session.summarized";
    static final String ENVIRONMENT_EVENT = "conductor.environment";
    private static final int FEEDBACK_OUTPUT_CHARS = 3000;
    /** Workers that fail outside any task this many times in one run stop it: something is broken, not busy. */
    private static final int WORKER_CRASH_LIMIT = 3;
    /** How many more looks a conductor with nothing to do takes at a ready task another process may be claiming. */
    private static final int SETTLE_LOOKS = 3;

    private final Store store;
    private final Ledger ledger;
    private final ProjectConfig project;
    private final Router router;
    private final Clock clock;
    private final RunListener listener;
    private final Worker worker;
    private final Workspace workspace;
    private final TaskValidator validator;
    private final DiffReview diffReview;
    private final OutcomeRecorder outcomes;
    private final OrchestrationLog log;
    private final BlockedDesk desk;
    private final TaskFailures failures;
    private final Optional<ExecutorService> executor;
    private final int transientLimit;
    private final Duration backoff;
    private final int maxAttempts;
    private final Duration leaseTtl;
    private final LeaseHolder holders;
    private final String holder;
    private final Object lock = new Object();

    private Conductor(Builder b, Worker worker, Workspace workspace, TaskValidator validator, Router router,
                      OrchestrationLog log, RunListener listener) {
        this.store = b.store;
        this.ledger = b.ledger;
        this.project = b.project;
        this.router = router;
        this.clock = b.clock;
        this.listener = listener;
        this.worker = worker;
        this.workspace = workspace;
        this.validator = validator;
        this.diffReview = new DiffReview(workspace, project.settings().routing().sensitivePaths());
        this.outcomes = new OutcomeRecorder(store, project.layout().root().toString(), clock);
        this.log = log;
        this.desk = new BlockedDesk(store, ledger, b.client.orElseGet(Conductor::noClient), workspace, project, router,
                clock, listener, log);
        this.failures = new TaskFailures(store.database());
        this.executor = b.executor;
        this.transientLimit = b.transientLimit;
        this.backoff = b.backoff;
        this.maxAttempts = b.maxAttempts;
        this.leaseTtl = b.leaseTtl;
        this.holders = LeaseHolder.local();
        this.holder = holders.name(b.role);
    }

    /** A conductor over {@code store} (the queue and the event log) and {@code ledger}, for {@code project}. */
    public static Builder builder(Store store, Ledger ledger, ProjectConfig project) {
        return new Builder(store, ledger, project);
    }

    /**
     * Collects the conductor's ports. A port left out gets the local one: the {@link AgentWorker} (needs
     * {@link #client} and {@link #env}), the {@link GitWorkspace} (needs {@link #git}), the project's validator.
     */
    public static final class Builder {
        private final Store store;
        private final Ledger ledger;
        private final ProjectConfig project;
        private Optional<LlmClient> client = Optional.empty();
        private Optional<GitRepository> git = Optional.empty();
        private Optional<Router> router = Optional.empty();
        private Optional<Worker> worker = Optional.empty();
        private Optional<dev.kleiber.agent.SessionEngine> sessions = Optional.empty();
        private Optional<Workspace> workspace = Optional.empty();
        private Optional<Function<Workspace, Workspace>> followed = Optional.empty();
        private Optional<TaskValidator> validator = Optional.empty();
        private Optional<ExecutorService> executor = Optional.empty();
        private Map<String, String> env = Map.of();
        private Clock clock = Clock.systemUTC();
        private final List<RunListener> listeners = new ArrayList<>();
        private int transientLimit = 3;
        private Duration backoff = Duration.ofSeconds(2);
        private int maxAttempts = 20;
        private Duration leaseTtl = LEASE_TTL;
        private String role = "conductor";

        private Builder(Store store, Ledger ledger, ProjectConfig project) {
            this.store = Objects.requireNonNull(store, "store");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            this.project = Objects.requireNonNull(project, "project");
        }

        /** The model the conductor answers blocked files with, and the local worker's agents call. */
        public Builder client(LlmClient client) {
            this.client = Optional.of(client);
            return this;
        }

        /** The repository of the local workspace. */
        public Builder git(GitRepository git) {
            this.git = Optional.of(git);
            return this;
        }

        /** The routing policy (default: the project's, {@code .kleiber/policy.yaml} over the built-in one). */
        public Builder router(Router router) {
            this.router = Optional.of(router);
            return this;
        }

        public Builder worker(Worker worker) {
            this.worker = Optional.of(worker);
            return this;
        }

        /** Who runs the agents' sessions (the roles' {@code runner:}); default Kleiber's own loop on the client. */
        public Builder sessions(dev.kleiber.agent.SessionEngine engine) {
            this.sessions = Optional.of(engine);
            return this;
        }

        public Builder workspace(Workspace workspace) {
            this.workspace = Optional.of(workspace);
            return this;
        }

        /**
         * The conductor of a run on many machines, following the workers of the shared remote {@code url}: what it
         * does to the run's branches and main (a conflict's resolution branch, a restarted task's branch, the session's
         * summary) goes to the remote, through this machine's clone of it in {@code cache} (ADR 0139).
         */
        public Builder followsRemote(RemoteCache cache, String url) {
            this.followed = Optional.of(own -> new RemoteRunWorkspace(own, cache, url, store, project.knownRoles(),
                    clock, project.settings().layout().mainBranch(), Duration.ofMinutes(2)));
            return this;
        }

        public Builder validator(TaskValidator validator) {
            this.validator = Optional.of(validator);
            return this;
        }

        /** Runs the workers (default: a virtual thread per attempt, per run). The caller shuts a given one down. */
        public Builder executor(ExecutorService executor) {
            this.executor = Optional.of(executor);
            return this;
        }

        /** The environment agents' commands and the validator inherit (filtered by the sandbox). */
        public Builder env(Map<String, String> env) {
            this.env = Map.copyOf(env);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Adds a listener; every listener hears every event, in the order added, after the store has kept it
         * ({@code store.runEvents()}).
         */
        public Builder listener(RunListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** How often a transient failure is tried again per task, and the first pause (doubled each time). */
        public Builder transientRetries(int limit, Duration firstBackoff) {
            if (limit < 0 || firstBackoff.isNegative()) {
                throw new IllegalArgumentException("transient retries need a limit >= 0 and a backoff >= 0");
            }
            this.transientLimit = limit;
            this.backoff = firstBackoff;
            return this;
        }

        /** The most attempts one task gets in all (a bound, whatever sends it back to the queue). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * How long a task's lease lives without a heartbeat (beaten every third of it): a worker whose process dies
         * or hangs loses its task to another after this long.
         */
        public Builder leaseTtl(Duration ttl) {
            if (ttl.toMillis() < 30) {
                throw new IllegalArgumentException("a lease must live at least 30 ms");
            }
            this.leaseTtl = ttl;
            return this;
        }

        /**
         * The role in this conductor's lease-holder name ({@code role-PID@...}, default {@code conductor}): what
         * tells apart several conductors of one process, as in a cluster test.
         */
        public Builder role(String role) {
            if (!role.matches("[a-z]+(-[a-z]+)*")) {
                throw new IllegalArgumentException("a role is lower-case words joined by '-'; found '" + role + "'");
            }
            this.role = role;
            return this;
        }

        public Conductor build() {
            Router routing = router.orElseGet(() -> RoutingPolicies.router(project));
            OrchestrationLog log = new OrchestrationLog(project.layout().orchestrationLog());
            Path root = project.layout().root();
            Workspace own = workspace.orElseGet(() -> {
                GitRepository repository = git.orElseThrow(() -> new IllegalStateException(
                        "the conductor needs a git repository or a workspace"));
                return new GitWorkspace(repository, root, project.layout().worktreesDir(),
                        new Merger(repository, store.merges(), root, project.knownRoles(), clock,
                                project.settings().layout().mainBranch()));
            });
            Workspace space = followed.map(remote -> remote.apply(own)).orElse(own);
            Worker work = worker.orElseGet(() -> {
                LlmClient llm = client.orElseThrow(() -> new IllegalStateException(
                        "the conductor needs an LLM client or a worker"));
                KleiberConfig settings = project.settings();
                SessionLimits limits = SessionLimits.of(settings.agent());
                TaskRunner runner = sessions.map(engine -> new TaskRunner(engine, limits, sandboxSettings(settings), env,
                        clock, settings.changeLimits(), settings.layout().mainBranch())).orElseGet(() -> new TaskRunner(
                        llm, limits, sandboxSettings(settings), env, clock, settings.changeLimits(),
                        settings.layout().mainBranch()));
                Path mergeWorktree = project.layout().worktreesDir().resolve("_merge");
                // the repository seen from an attempt's worktree: without the two git calls a new repository costs
                Function<Path, GitRepository> gitIn = git.<Function<Path, GitRepository>>map(g -> g::inWorktree)
                        .orElse(worktree -> new GitRepository(worktree, mergeWorktree));
                return new AgentWorker(runner, project, store, ledger, log, clock, gitIn);
            });
            TaskValidator check = validator.orElseGet(() -> new ProjectValidator(project, env, clock));
            // the store keeps every event first: a listener told of one finds it in run_events
            List<RunListener> told = new ArrayList<>(List.of(new RunEventRecorder(store.runEvents(), clock)));
            told.addAll(listeners);
            return new Conductor(this, work, space, check, routing, log, RunListener.all(told));
        }
    }

    private static LlmClient noClient() {
        return (context, request, stream) -> {
            throw KleiberException.failed("this conductor was built without an LLM client, so it cannot answer "
                    + "blocked files; a person must");
        };
    }

    /**
     * What this conductor tells of its run: the store's run events, then the builder's listeners. Give it to what
     * publishes events beside the conductor (the watch of main) so that they are kept too.
     */
    public RunListener listener() {
        return listener;
    }

    static CommandSandbox.Settings sandboxSettings(KleiberConfig settings) {
        return CommandSandbox.Settings.of(settings);
    }

    /** Records {@code plan} as run {@code runId} (task files, tasks, dependencies) and starts running it. */
    public RunHandle start(String runId, String request, Plan plan, String planText, int workers) {
        requireWorkers(workers);
        // this process runs every task itself: the capability tags of workers on other machines do not apply
        return launch(record(runId, request, plan, planText, Requirements.NONE, ""), workers);
    }

    /**
     * Records {@code plan} as run {@code runId} of {@code remote} and leaves its tasks in the shared queue, in the
     * scheduler's order, for the {@code kleiber worker} processes of that remote to claim (each task only by a worker
     * with the tags kleiber.yaml's {@code requires:} gives it): the conductor side of a run on many machines.
     */
    public void enqueue(String runId, String request, Plan plan, String planText, String remote) {
        RunPlan routed = record(runId, request, plan, planText, project.settings().requires(), remote);
        new Dispatcher(store, runId, TaskGraph.of(routed.plan()).criticalPath(), 1, holder, leaseTtl).prioritize();
    }

    private RunPlan record(String runId, String request, Plan plan, String planText, Requirements requires,
                           String remote) {
        RunPlan routed = RunPlan.route(runId, plan, router);
        List<Tasks.NewTask> tasks = new ArrayList<>();
        for (PlannedTask task : plan.tasks()) {
            RoutedTask r = routed.task(task.id());
            if (remote.isEmpty()) {
                // a remote run's task files are written by the worker of each attempt and land with its merge: a copy
                // here would be an untracked file that stops this checkout's next `git pull` of that main
                AgentWorker.writeTaskFile(project, store, clock, runId, r, r.tier(), Optional.empty());
            }
            tasks.add(new Tasks.NewTask(task.id(), task.agent(), r.tier(), task.dependsOn()));
            listener.on(planned(runId, r, Optional.empty()));
        }
        // one transaction: a crash leaves the whole run to resume, or no run at all to start again
        store.runs().create(runId, request, tx -> {
            store.events().append(tx, runId, "", RunPlan.PLAN_EVENT, planText);
            store.tasks().add(tx, runId, tasks);
            store.runs().remote(tx, runId, remote);
            for (Tasks.NewTask task : tasks) {
                Set<String> tags = requires.of(task.id(), task.agent());
                if (!tags.isEmpty()) {
                    store.tasks().require(tx, runId, task.id(), tags);
                }
            }
            return null;
        });
        return routed;
    }

    /**
     * Continues {@code runId}: expired leases are reclaimed, unfinished tasks run from their branches, and tasks an
     * environment failure stopped are queued again (a person has fixed what stopped them).
     */
    public RunHandle resume(String runId, int workers) {
        requireWorkers(workers);
        store.runs().find(runId).orElseThrow(() -> KleiberException.badInput("no run '" + runId + "' in the store"));
        Optional<String> remote = store.runs().remoteOf(runId);
        if (remote.isPresent()) {
            // run here it would merge into this checkout while the remote's workers merge into the remote
            throw KleiberException.badInput("run " + runId + " runs on the workers of " + remote.get()
                    + ": they continue it (`kleiber workers`, `kleiber status`); it is not resumed here");
        }
        store.runs().setState(runId, "active");
        for (TaskRecord task : store.tasks().ofRun(runId)) {
            if (task.state() == TaskState.BLOCKED && failures.count(runId, task.id(), TaskFailures.Kind.ENVIRONMENT) > 0) {
                store.tasks().transition(runId, task.id(), TaskState.QUEUED, "resumed after an environment failure");
                failures.clear(runId, task.id(), TaskFailures.Kind.ENVIRONMENT);
            }
        }
        return launch(RunPlan.load(store, runId, project.knownRoles(), router), workers);
    }

    /**
     * Runs one task another process's queue gave this one ({@link dev.kleiber.store.TaskQueue#claimAny}), on this
     * thread, to its next resting state: what a {@code kleiber worker} does with each claim, for a run of any
     * conductor. The claim's lease is kept, and a lost lease stops the attempt, as in {@link #start}.
     */
    public void execute(Claim claim) {
        RunPlan plan = RunPlan.load(store, claim.task().runId(), project.knownRoles(), router);
        attempt(claim, new RunState(plan, 1));
    }

    /**
     * The conductor's part of a run that a remote's workers run ({@link #enqueue}): answers its unanswered blocked
     * files (those the workers sent, {@link RemoteBlocked#receive}d into this checkout, and those a person rewrote),
     * one after another on this thread, as {@link #start} does: a re-plan or an escalation queues the task for the
     * workers again, a question waits for a person. {@code unanswerable} holds the tasks whose answer failed earlier
     * (not tried again) and gains those failing now. Returns why the budget stopped answering, when it did.
     */
    public Optional<String> answerBlocked(String runId, Set<String> unanswerable) {
        RunPlan before = RunPlan.load(store, runId, project.knownRoles(), router);
        RunState state = new RunState(before, 1);
        state.unanswerable.addAll(unanswerable);
        List<BlockedDesk.Pending> pending;
        synchronized (lock) {
            pending = desk.collect(runId, state.unanswerable);
        }
        for (BlockedDesk.Pending blocked : pending) {
            if (state.pause.isPresent()) {
                break;
            }
            synchronized (lock) {
                state.active++;
            }
            answer(blocked, state);
        }
        // a task an answer added needs the tags kleiber.yaml gives it, as the tasks enqueued with the run do
        for (RoutedTask task : state.plan.tasks().values()) {
            Set<String> tags = project.settings().requires().of(task.id(), task.agent());
            if (!before.tasks().containsKey(task.id()) && !tags.isEmpty()) {
                store.tasks().require(runId, task.id(), tags);
            }
        }
        unanswerable.addAll(state.unanswerable);
        return state.pause;
    }

    private static void requireWorkers(int workers) {
        if (workers < 1) {
            throw KleiberException.badInput("workers must be at least 1; found " + workers);
        }
    }

    static RunEvent.TaskPlanned planned(String runId, RoutedTask task, Optional<String> addedFor) {
        return new RunEvent.TaskPlanned(runId, task.id(), task.agent(), task.tier(), task.needsReview(),
                task.decision().reasons().stream().map(r -> r.ruleId()).distinct().toList(), addedFor);
    }

    private final class RunState {
        volatile RunPlan plan;
        Dispatcher dispatcher;
        final int workers;
        int active;
        Optional<String> pause = Optional.empty();
        boolean stopping;
        int crashes;
        Optional<String> halted = Optional.empty();
        /** Tasks whose blocked file the conductor is answering, or failed to answer in this run (not retried until the next). */
        final Set<String> answering = new HashSet<>();
        final Set<String> unanswerable = new HashSet<>();

        RunState(RunPlan plan, int workers) {
            this.workers = workers;
            replanned(plan);
        }

        /** The conductor changed the plan (a re-plan or a resolution task). Called holding the lock. */
        void replanned(RunPlan plan) {
            this.plan = plan;
            this.dispatcher = new Dispatcher(store, plan.runId(), TaskGraph.of(plan.plan()).criticalPath(), workers,
                    holder, leaseTtl);
            dispatcher.prioritize();
        }

        /** Whether new work may start. Called holding the lock. */
        boolean mayStart() {
            return pause.isEmpty() && !stopping && halted.isEmpty();
        }
    }

    private RunHandle launch(RunPlan plan, int workers) {
        RunState state = new RunState(plan, workers);
        CompletableFuture<RunOutcome> completion = new CompletableFuture<>();
        Thread.ofVirtual().name("kleiber-run-" + plan.runId()).start(() -> {
            try {
                completion.complete(run(state));
            } catch (Throwable e) {
                completion.completeExceptionally(e);
            }
        });
        return new RunHandle(plan.runId(), completion, () -> {
            synchronized (lock) {
                state.stopping = true;
                lock.notifyAll();
            }
        });
    }

    private RunOutcome run(RunState state) {
        String runId = state.plan.runId();
        // a killed process's leases hold nothing: reclaim them now rather than when they would expire
        store.leases().expireDeadHolders(holders);
        ledger.releaseAbandonedReservations();
        for (TaskRecord expired : store.tasks().requeueExpired(runId)) {
            listener.on(new RunEvent.TaskReclaimed(runId, expired.id()));
        }
        new RunRepair(store, ledger, workspace, log).repair(state.plan);
        tidy(state.plan);
        ExecutorService pool = executor.orElseGet(Executors::newVirtualThreadPerTaskExecutor);
        try {
            synchronized (lock) {
                int settleLooks = 0;
                while (true) {
                    store.leases().expireDeadHolders(holders);
                    store.tasks().requeueExpired(runId);
                    if (state.mayStart()) {
                        answerBlocked(state, pool);
                        dispatch(state, pool);
                    }
                    if (state.active == 0) {
                        boolean othersHoldTasks = store.tasks().ofRun(runId).stream().anyMatch(t -> t.state().isLeased());
                        if (!state.mayStart() || !othersHoldTasks) {
                            // another process may have merged a dependency between our dispatch and that look:
                            // with nothing held anywhere the queue is settled, so one more dispatch is the last word
                            if (state.mayStart()) {
                                dispatch(state, pool);
                            }
                            // ...unless a task is ready but was not ours: on PostgreSQL another process's claim,
                            // not yet committed, hides its row (SKIP LOCKED). Look again a few times, so that this
                            // conductor waits for that task instead of ending beside it (bounded: a task this
                            // process can never claim must not keep it here)
                            if (state.active == 0 && (!state.mayStart() || settleLooks++ >= SETTLE_LOOKS || !readyLeft(runId))) {
                                break;
                            }
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
        } finally {
            if (executor.isEmpty()) {
                pool.close();
            }
        }
        outcomes.record(state.plan);
        RunOutcome outcome = finish(state);
        listener.on(new RunEvent.RunFinished(runId, outcome));
        if (state.halted.isPresent()) {
            throw KleiberException.failed(state.halted.get());
        }
        return outcome;
    }

    /** Whether a task of the run waits to be claimed: planned or queued with every dependency merged. */
    private boolean readyLeft(String runId) {
        List<TaskRecord> tasks = store.tasks().ofRun(runId);
        Set<String> merged = new HashSet<>();
        tasks.stream().filter(t -> t.state() == TaskState.MERGED).forEach(t -> merged.add(t.id()));
        return tasks.stream().anyMatch(t -> (t.state() == TaskState.PLANNED || t.state() == TaskState.QUEUED)
                && merged.containsAll(t.dependsOn()));
    }

    /** Hands each unanswered blocked file to the conductor, one task at a time. Called holding the lock. */
    private void answerBlocked(RunState state, ExecutorService pool) {
        Set<String> busy = new HashSet<>(state.answering);
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
            // the model's answer and a resolution branch's git work happen here, without the lock
            BlockedAnswer answer = desk.decide(runId, pending, state.plan);
            synchronized (lock) {
                desk.apply(runId, pending, answer).ifPresent(state::replanned);
            }
        } catch (dev.kleiber.ledger.BudgetExceededException e) {
            synchronized (lock) {
                state.pause = Optional.of("budget: " + e.getMessage());
            }
            listener.on(new RunEvent.BudgetPaused(runId, pending.taskId(), RunEvent.PausedAt.CONDUCTOR_ANSWER, e.getMessage()));
        } catch (RuntimeException e) {
            synchronized (lock) {
                state.unanswerable.add(pending.taskId());
            }
            listener.on(new RunEvent.AnswerFailed(runId, pending.taskId(), desk.relative(pending.file()),
                    StepFailure.message(e)));
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

    /** A worker: one attempt at the claimed task. The scheduler picks what runs next once it ends. */
    private void work(Claim claim, RunState state) {
        try {
            attempt(claim, state);
        } catch (RuntimeException e) {
            String reason = claim.task().id() + ": " + StepFailure.message(e);
            listener.on(new RunEvent.WorkerStopped(claim.task().runId(), reason));
            synchronized (lock) {
                if (++state.crashes >= WORKER_CRASH_LIMIT) {
                    state.halted = Optional.of("the run stopped: workers failed " + state.crashes + " times outside the "
                            + "tasks' own work (the last: " + reason + "); fix that, then `kleiber resume`");
                }
            }
        } finally {
            synchronized (lock) {
                state.active--;
                lock.notifyAll();
            }
        }
    }

    /**
     * One attempt under the task's lease: its own worktree, the worker, then the next step for what it returned.
     * Losing the lease interrupts the worker (and its agent) and leaves the task to whoever holds it now.
     */
    private void attempt(Claim claim, RunState state) {
        RoutedTask task = state.plan.task(claim.task().id());
        if (claim.attempt() > maxAttempts) {
            fail(claim, task, "attempt " + claim.attempt() + " passes the limit of " + maxAttempts
                    + " attempts per task: something sends it back to the queue without end");
            return;
        }
        Thread self = Thread.currentThread();
        AtomicBoolean lost = new AtomicBoolean();
        AtomicBoolean ending = new AtomicBoolean();
        boolean opened = false;
        LeaseKeeper keeper = new LeaseKeeper(store.leases(), claim.lease(), leaseTtl, e -> {
            // a heartbeat cut short by the keeper's own closing is not a lost lease
            if (!ending.get()) {
                lost.set(true);
                self.interrupt();
            }
        });
        try {
            if (workspace.isMerged(claim.task().runId(), task)) {
                foundMerged(claim, task);
                return;
            }
            Path worktree = workspace.open(task, claim.attempt());
            opened = true;
            run(claim, task, worktree, state, lost);
        } catch (RuntimeException e) {
            Thread.interrupted();
            handle(lost.get() ? new StepFailure.LeaseGone("the lease was lost while it worked: "
                    + StepFailure.message(e)) : StepFailure.of(e), claim, task, state);
        } finally {
            ending.set(true);
            // a lease-loss interrupt is for the attempt, not for the cleanup after it
            Thread.interrupted();
            try {
                keeper.close();
            } catch (RuntimeException e) {
                listener.on(new RunEvent.HousekeepingFailed(claim.task().runId(), "release the lease on "
                        + task.id() + " (it expires by itself)", StepFailure.message(e)));
            }
            Thread.interrupted();
            if (opened) {
                // the branch keeps the work; a later attempt, a review or a resume starts from it
                try {
                    workspace.close(task, claim.attempt());
                } catch (RuntimeException e) {
                    listener.on(new RunEvent.HousekeepingFailed(claim.task().runId(), "remove the worktree of "
                            + task.id() + " attempt " + claim.attempt(), StepFailure.message(e)));
                }
            }
        }
    }

    private void foundMerged(Claim claim, RoutedTask task) {
        // merged before a crash let the store hear of it: never run or merge it again
        store.tasks().transition(claim, TaskState.VALIDATING, "its work is already on main");
        store.tasks().transition(claim, TaskState.MERGED, "found merged on main");
        workspace.recordMerged(task, claim.task().tier());
        // the attempt a crash cut short may have left its worktree
        workspace.tidy(List.of(task));
        listener.on(new RunEvent.FoundMerged(claim.task().runId(), task.id()));
    }

    private void run(Claim claim, RoutedTask task, Path worktree, RunState state, AtomicBoolean lost) {
        String runId = claim.task().runId();
        Tier tier = claim.task().tier();
        listener.on(new RunEvent.TaskStarted(runId, task.id(), task.agent(), tier, claim.attempt()));
        WorkOutcome outcome = worker.run(new Worker.Assignment(runId, task, tier, claim.attempt(), worktree,
                latestFeedback(runId, task.id())), listener);
        if (lost.get()) {
            throw new LeaseLostException("the lease on " + task.id() + " was lost while its agent worked");
        }
        switch (outcome) {
            case WorkOutcome.Completed done -> validateAndLand(claim, task, worktree, tier);
            case WorkOutcome.Blocked blocked -> {
                store.tasks().transition(claim, TaskState.BLOCKED, blocked.type().id() + ": " + blocked.problem());
                listener.on(new RunEvent.TaskBlocked(runId, task.id(), blocked.type(), blocked.problem(),
                        RunEvent.BlockedBy.AGENT));
            }
            case WorkOutcome.Escalated escalated -> escalate(claim, task, tier, escalated.reason(), escalated.learnt());
            case WorkOutcome.BudgetPaused paused -> pause(claim, state, paused.reason());
            case WorkOutcome.Failed failed -> failure(claim, task, tier, "The agent session failed: " + failed.reason());
            case WorkOutcome.EnvironmentFailed environment -> stopForEnvironment(claim, task, environment.problem(),
                    environment.fix());
        }
    }

    /** What an exception out of an attempt's step means: retry after a pause, pause, stop, or fail for good. */
    private void handle(StepFailure failure, Claim claim, RoutedTask task, RunState state) {
        String runId = claim.task().runId();
        if (!(failure instanceof StepFailure.LeaseGone) && !stillHeld(claim)) {
            // the step failed after the task reached its resting state (e.g. documenting a merge): nothing to undo
            listener.on(new RunEvent.WorkerStopped(runId, task.id() + " (after it moved on): " + failure.problem()));
            return;
        }
        switch (failure) {
            case StepFailure.LeaseGone gone -> listener.on(new RunEvent.LeaseLost(runId, task.id(), gone.problem()));
            case StepFailure.Budget budget -> pause(claim, state, "budget: " + budget.problem());
            case StepFailure.Environment environment -> stopForEnvironment(claim, task, environment.problem(),
                    environment.fix());
            case StepFailure.Transient passing -> {
                int n = failures.add(runId, task.id(), TaskFailures.Kind.TRANSIENT);
                if (n > transientLimit) {
                    fail(claim, task, "gave up after " + (n - 1) + " transient failures: " + passing.problem());
                    return;
                }
                Duration wait = backoff.multipliedBy(1L << Math.min(n - 1, 10));
                listener.on(new RunEvent.TransientFailure(runId, task.id(), n, transientLimit, wait, passing.problem()));
                try {
                    // still under the lease (its keeper beats on): nobody else takes the task while we wait
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Thread.interrupted();
                requeue(claim, "transient failure " + n + " of " + transientLimit + ": " + firstLine(passing.problem()));
            }
            case StepFailure.Permanent permanent -> fail(claim, task, permanent.problem());
        }
    }

    private boolean stillHeld(Claim claim) {
        return store.tasks().find(claim.task().runId(), claim.task().id())
                .map(t -> t.state().isLeased() && t.fence() == claim.lease().fence()).orElse(false);
    }

    /** Fails the task for good. A refused transition is not swallowed: only a lost lease excuses it. */
    private void fail(Claim claim, RoutedTask task, String reason) {
        try {
            store.tasks().transition(claim, TaskState.FAILED, reason);
        } catch (LeaseLostException e) {
            listener.on(new RunEvent.LeaseLost(claim.task().runId(), task.id(), e.getMessage()));
            return;
        }
        listener.on(new RunEvent.TaskFailed(claim.task().runId(), task.id(), reason));
    }

    private void pause(Claim claim, RunState state, String reason) {
        synchronized (lock) {
            state.pause = Optional.of(reason);
        }
        listener.on(new RunEvent.BudgetPaused(claim.task().runId(), claim.task().id(), RunEvent.PausedAt.AGENT, reason));
        String why = "the budget paused the run; attempt " + claim.attempt() + " continues on resume";
        String runId = claim.task().runId();
        synchronized (lock) {
            store.tasks().giveBack(claim, TaskState.QUEUED, why);
        }
        if (store.runs().remoteOf(runId).isPresent()) {
            // the workers of a remote would claim the task back at once, be refused again and again, until the day
            // ends: the run pauses in the store, where no worker claims from it, and its conductor tells a person
            store.events().append(runId, claim.task().id(), BUDGET_PAUSED_EVENT, reason);
            store.runs().setState(runId, "paused");
        }
        listener.on(new RunEvent.TaskQueued(runId, claim.task().id(), why));
    }

    /**
     * Why a worker's budget pause stopped run {@code runId} of a remote, while the store shows it paused: the guard's
     * words. Empty when the run is not paused so (a person raised the limit and `kleiber resume` made it active).
     */
    public static Optional<String> pausedByWorkers(Store store, String runId) {
        if (!store.runs().find(runId).map(r -> r.state().equals("paused")).orElse(false)) {
            return Optional.empty();
        }
        return store.events().ofRun(runId).stream().filter(e -> e.kind().equals(BUDGET_PAUSED_EVENT))
                .map(Event::detail).reduce((first, second) -> second);
    }

    /** Back to the queue, while the lease still holds (closing the keeper ends it). */
    private void requeue(Claim claim, String reason) {
        synchronized (lock) {
            store.tasks().transition(claim, TaskState.QUEUED, reason);
        }
        listener.on(new RunEvent.TaskQueued(claim.task().runId(), claim.task().id(), reason));
    }

    /** Stops the task until a person fixes its environment; its branch keeps the work, and a resume queues it again. */
    private void stopForEnvironment(Claim claim, RoutedTask task, String problem, String fix) {
        String runId = claim.task().runId();
        // stopped before its agent made a call (no key, an unpriced model): the attempt is not spent
        boolean untouched = ledger.session(runId, task.id(), claim.attempt()).map(s -> s.calls() == 0).orElse(true);
        if (untouched) {
            store.tasks().giveBack(claim, TaskState.BLOCKED, "environment: " + firstLine(problem));
        } else {
            store.tasks().transition(claim, TaskState.BLOCKED, "environment: " + firstLine(problem));
        }
        failures.add(runId, task.id(), TaskFailures.Kind.ENVIRONMENT);
        store.events().append(runId, task.id(), ENVIRONMENT_EVENT, problem + "\nTo fix: " + fix);
        listener.on(new RunEvent.EnvironmentFailed(runId, task.id(), problem, fix));
    }

    private void escalate(Claim claim, RoutedTask task, Tier tier, String reason, String learnt) {
        String runId = claim.task().runId();
        if (tier == Tier.OPUS) {
            failure(claim, task, tier, "The agent asked to escalate, but it already runs on opus: " + reason);
            return;
        }
        store.tasks().changeTier(runId, task.id(), Tier.OPUS, "escalated: " + reason);
        store.events().append(runId, task.id(), FEEDBACK_EVENT, learnt);
        listener.on(new RunEvent.Escalated(runId, task.id(), tier, Tier.OPUS, reason));
        requeue(claim, "escalated from " + tier.id() + " to opus");
    }

    /**
     * The retry ladder for the agent's failed work: one more attempt on the same model with the failure as
     * feedback, then one a tier up, then the task is blocked for a person.
     */
    private void failure(Claim claim, RoutedTask task, Tier tier, String feedback) {
        String runId = claim.task().runId();
        store.events().append(runId, task.id(), FAILURE_EVENT, feedback);
        store.events().append(runId, task.id(), FEEDBACK_EVENT, feedback);
        int failed = failures.add(runId, task.id(), TaskFailures.Kind.AGENT);
        if (failed == 1) {
            listener.on(new RunEvent.Retried(runId, task.id(), tier, feedback));
            requeue(claim, "retry on " + tier.id() + " with the failure as feedback");
            return;
        }
        if (failed == 2 && tier != Tier.OPUS) {
            store.tasks().changeTier(runId, task.id(), tier.up(), "failed twice on " + tier.id());
            listener.on(new RunEvent.Retried(runId, task.id(), tier.up(), feedback));
            requeue(claim, "retry on " + tier.up().id() + " after failing twice on " + tier.id());
            return;
        }
        String blocked = workspace.writeBlocked(new BlockedFile(task.id(), task.agent(), now(), BlockType.TECHNICAL,
                "The task failed " + failed + " attempts, the last on " + tier.id() + ":\n\n" + clip(feedback),
                List.of("Retried with the failure as feedback", "Retried a tier up"),
                "Look at the report and the branch " + task.branch() + "; clarify the task or fix it, then `kleiber resume`.",
                List.of(), List.of()));
        store.tasks().transition(claim, TaskState.BLOCKED, "failed " + failed + " attempts; see " + blocked);
        listener.on(new RunEvent.RetriesExhausted(runId, task.id(), failed));
    }

    private void validateAndLand(Claim claim, RoutedTask task, Path worktree, Tier tier) {
        String runId = claim.task().runId();
        store.tasks().transition(claim, TaskState.VALIDATING, "the agent completed it");
        String commit = workspace.tip(task);
        if (ReviewDesk.rejected(store, claim.task().runId(), task.id()).equals(Optional.of(commit))) {
            failure(claim, task, tier, "A person rejected commit " + commit.substring(0, 12) + " in review and the "
                    + "branch has no new commit since: make the change the reviewer asked for before completing the task.");
            return;
        }
        List<Path> changed = workspace.changedPaths(task);
        if (changed.isEmpty() && workspace.diff(task).isEmpty()) {
            nothingToChange(claim, task);
            return;
        }
        workspace.clean(task, worktree);
        ValidationReport report = validator.validate(task, worktree, commit, changed);
        if (!report.passed()) {
            failure(claim, task, tier, VALIDATION_FAILED + " (reports/" + task.id() + "-validation.md):\n" + feedbackOf(report));
            return;
        }
        listener.on(new RunEvent.Validated(runId, task.id(), commit));
        // the diff trigger: a task routed without review stops for a person when its change touches sensitive code
        // computed for forced tasks too: the reviewer sees it, and route stats measure forced-review precision by it
        List<Reason> touched = diffReview.reasons(task);
        if (!touched.isEmpty()) {
            store.events().append(runId, task.id(), DiffReview.EVENT, DiffReview.lines(touched));
            if (!task.needsReview()) {
                listener.on(new RunEvent.DiffNeedsReview(runId, task.id(), touched));
            }
        }
        if (task.needsReview() || !touched.isEmpty()) {
            store.events().append(runId, task.id(), VALIDATED_EVENT, commit);
            store.tasks().transition(claim, TaskState.AWAITING_REVIEW, "validated at " + commit + "; a person must review it"
                    + (touched.isEmpty() ? "" : " (" + touched.getFirst().ruleId() + ": " + touched.getFirst().evidence() + ")"));
            listener.on(new RunEvent.AwaitingReview(runId, task.id(), commit));
            return;
        }
        switch (workspace.merge(runId, task, claim.attempt())) {
            case Workspace.MergeResult.Merged merged -> {
                store.tasks().transition(claim, TaskState.MERGED, "merged into main as " + merged.commit());
                workspace.recordMerged(task, tier);
                listener.on(new RunEvent.Merged(runId, task.id(), merged.commit()));
            }
            case Workspace.MergeResult.Conflicted conflicted -> {
                String file = workspace.writeConflict(task, conflicted.files());
                store.tasks().transition(claim, TaskState.BLOCKED, "merge conflict in " + String.join(", ", conflicted.files()));
                listener.on(new RunEvent.MergeConflicted(runId, task.id(), conflicted.files(), file));
            }
        }
    }

    /**
     * The agent completed the task without changing a file: nothing is merged and nothing goes into CHANGELOG.md. The
     * task stops for a decision (main may already do what it asks, or the task was misread), with a blocked file.
     */
    private void nothingToChange(Claim claim, RoutedTask task) {
        String runId = claim.task().runId();
        String blocked = workspace.writeBlocked(new BlockedFile(task.id(), task.agent(), now(),
                BlockType.UNCLEAR_REQUIREMENTS, "The agent completed the task without changing any file on "
                + task.branch() + ": there is nothing to merge, so nothing was merged or recorded in CHANGELOG.md.",
                List.of("Completed the task with no change"),
                "Decide: if main already does what the task asks, the task needs no work; otherwise say here what must "
                        + "change, then `kleiber resume`.", List.of(), List.of()));
        store.tasks().transition(claim, TaskState.BLOCKED, "nothing to change: the agent changed no file; see " + blocked);
        listener.on(new RunEvent.NothingToChange(runId, task.id(), blocked));
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

    /** Before a run continues: worktrees of finished tasks, a crashed merge's scratch and abandoned temp files go. */
    private void tidy(RunPlan plan) {
        workspace.recover();
        Path root = project.layout().root();
        try {
            AtomicFiles.removeAbandonedTemps(Arrays.stream(Kind.values()).map(k -> root.resolve(k.folder())).toList());
        } catch (IOException e) {
            listener.on(new RunEvent.HousekeepingFailed(plan.runId(), "clear abandoned temp files", e.getMessage()));
        }
        List<RoutedTask> finished = new ArrayList<>();
        for (TaskRecord record : store.tasks().ofRun(plan.runId())) {
            if (record.state() == TaskState.MERGED || record.state() == TaskState.CANCELLED) {
                finished.add(plan.task(record.id()));
            }
        }
        workspace.tidy(finished);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    }

    private RunOutcome finish(RunState state) {
        return finish(state.plan.runId(), state.pause);
    }

    /**
     * Records where run {@code runId} rests (finished, paused by the budget when {@code pause} says why, or waiting for
     * a person or a worker) and, when this session moved it, its summary: the day's summary in orchestration_log.md
     * and its PROGRESS entry, committed on main with the run's records. The end of every session of a conductor: one
     * that ran the tasks itself, and one that followed the workers of a shared remote (the summary then goes to the
     * remote's main).
     */
    public RunOutcome finish(String runId, Optional<String> pause) {
        RunOutcome outcome = outcome(store, runId, pause);
        store.runs().setState(runId, outcome.finished() ? "finished" : pause.isPresent() ? "paused" : "waiting");
        String progress = progress(runId);
        boolean summarized = store.events().ofTask(runId, "").stream().filter(e -> e.kind().equals(SUMMARIZED_EVENT))
                .reduce((first, second) -> second).map(e -> e.detail().equals(progress)).orElse(false);
        if (summarized) {
            // a resume that found nothing to do is not a session: no second Daily Summary or PROGRESS entry
            commitRecords(runId);
            return outcome;
        }
        SessionSummary summary = new SessionSummary(runId, store.runs().find(runId).map(r -> r.request()).orElse(""),
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS),
                outcome.merged(), outcome.awaitingReview(), new ArrayList<>(outcome.blocked()), outcome.failed(),
                ledger.cost(Optional.empty(), Optional.of(runId)).totalUsd());
        Path root = project.layout().root();
        Path logFile = root.relativize(project.layout().orchestrationLog());
        commitRecords(runId, () -> workspace.commitSummary(runId, root, into -> {
            if (into.equals(root)) {
                synchronized (log) {
                    log.appendSummary(ledger.dailySummary(ledger.today()));
                }
            } else {
                // main is on a shared remote: its log gets the rows of the sessions the workers ran, from the ledger
                OrchestrationLog remoteLog = new OrchestrationLog(into.resolve(logFile));
                remoteLog.appendMissingSessions(RunRepair.sessionRows(store, ledger,
                        RunPlan.load(store, runId, project.knownRoles(), router)));
                remoteLog.appendSummary(ledger.dailySummary(ledger.today()));
            }
            new Scribe(into).summarize(summary);
        }));
        // after the summary is written: a kill before this point summarizes again on resume
        store.events().append(runId, "", SUMMARIZED_EVENT, progress);
        return outcome;
    }

    /** What the run wrote into the checkout is committed on main; when it cannot be, the person hears why. */
    private void commitRecords(String runId) {
        commitRecords(runId, () -> workspace.commitRecords(runId));
    }

    private void commitRecords(String runId, Supplier<RunRecords.Outcome> commit) {
        String what = "commit the run's records (CHANGELOG, ADRs, PROGRESS, reports, protocol files)";
        try {
            if (commit.get() instanceof RunRecords.Outcome.NotOnMain off) {
                listener.on(new RunEvent.HousekeepingFailed(runId, what, "the checkout is on " + off.branch()
                        .map(b -> "branch " + b).orElse("no branch") + ", not the main branch; they are left uncommitted"));
            }
        } catch (RuntimeException e) {
            listener.on(new RunEvent.HousekeepingFailed(runId, what, StepFailure.message(e)));
        }
    }

    /** What a session changes: the run's billed calls and its tasks' states. */
    private String progress(String runId) {
        return ledger.cost(Optional.empty(), Optional.of(runId)).calls() + " calls; "
                + new TreeMap<>(store.tasks().states(runId));
    }

    /**
     * The blocked tasks of {@code runId} an environment failure stopped, each with what happened and what to fix;
     * {@code kleiber resume} queues them again.
     */
    public static Map<String, String> environmentStops(Store store, String runId) {
        TaskFailures failures = new TaskFailures(store.database());
        Map<String, String> stops = new LinkedHashMap<>();
        for (TaskRecord task : store.tasks().ofRun(runId)) {
            if (task.state() == TaskState.BLOCKED && failures.count(runId, task.id(), TaskFailures.Kind.ENVIRONMENT) > 0) {
                store.events().ofTask(runId, task.id()).stream().filter(e -> e.kind().equals(ENVIRONMENT_EVENT))
                        .reduce((first, second) -> second).ifPresent(e -> stops.put(task.id(), e.detail()));
            }
        }
        return stops;
    }

    /** Where every task of {@code runId} stands, and what each task that cannot start waits for. */
    public static RunOutcome outcome(Store store, String runId, Optional<String> pause) {
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
        return RunEventText.firstLine(text);
    }
}
