package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunHandle;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.server.RunLauncher;
import dev.kleiber.server.StartedRequests;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.yaml.SafeYaml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs started through the API, executed in this server process's conductor as {@code kleiber run} executes them:
 * one agent runtime (store, lease, budget guard, LLM client), opened at the first run so that a server that only
 * shows and decides needs no API key. A request is planned in the background; a plan starts at once.
 */
final class ServerRuns implements RunLauncher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRuns.class);
    /** How long a stop waits, in all, for the attempts under way: part of {@link ServerProcess#STOP_BUDGET}. */
    static final Duration STOP_WAIT = Duration.ofSeconds(25);

    private final CliContext context;
    private final ProjectLayout layout;
    /** The server's store: a run on a remote's workers is cancelled there, by a server that may run no agent. */
    private final Store store;
    private final Duration waitForWorkers;
    private final Optional<Path> script;
    private final PrintWriter err;
    private final RunListener listener;
    private final Map<String, RunHandle> running = new ConcurrentHashMap<>();
    private final Set<String> reserved = new HashSet<>();
    /** Requests being planned, by run id: the planning thread, so that a cancel or a shutdown stops it. */
    private final Map<String, Thread> planning = new ConcurrentHashMap<>();
    private AgentRuntime runtime;
    private StartedRequests requests;
    private boolean closed;

    ServerRuns(CliContext context, ProjectLayout layout, Store store, Optional<Path> script, PrintWriter err,
               RunListener listener) {
        this.context = context;
        this.layout = layout;
        this.store = store;
        // read at the start: a bad $KLEIBER_WAIT_FOR_WORKERS stops the server with exit 2, not its first remote run
        this.waitForWorkers = WaitForWorkers.of(Optional.empty(), context);
        this.script = script;
        this.err = err;
        this.listener = listener;
    }

    @Override
    public String start(Start what, String by) {
        AgentRuntime agents;
        String runId;
        synchronized (this) {
            if (closed) {
                throw KleiberException.failed("the server is shutting down");
            }
            try {
                agents = runtime();
            } catch (KleiberException e) {
                // the server's own set-up (no API key, say), not the caller's request
                throw new Unavailable(e.getMessage());
            }
            String base = RunCommand.RUN_ID.format(context.clock().instant());
            String id = agents.freshRunId(base);
            // an id that never became a run keeps its record (another replica's too): no new run takes it
            for (int n = 2; reserved.contains(id) || !agents.store.events().ofRun(id).isEmpty(); n++) {
                id = agents.freshRunId(base + "-" + n);
            }
            runId = id;
            reserved.add(runId);
        }
        int workers = agents.project.settings().workers();
        switch (what) {
            case Start.PlanText plan -> {
                try {
                    Plan parsed = new PlanFileParser(new SafeYaml(), agents.project.roleScopes()).parse(plan.yaml(), "the plan");
                    launch(agents, runId, "plan from the API (by " + by + ")", parsed, plan.yaml(), workers);
                    agents.store.events().append(runId, "", STARTED_EVENT, "by " + by);
                } finally {
                    release(runId);
                }
            }
            case Start.Request request -> {
                requests.planning(runId, by, agents.lease.lease());
                synchronized (this) {
                    planning.put(runId, Thread.ofVirtual().name("kleiber-plan-" + runId)
                            .start(() -> planAndLaunch(agents, runId, request.text(), workers)));
                }
            }
        }
        return runId;
    }

    /**
     * Plans the request, then runs the plan, unless the planning was cancelled meanwhile. A request that never becomes
     * a run is recorded with why, so that its id answers that instead of "no such run".
     */
    private void planAndLaunch(AgentRuntime agents, String runId, String request, int workers) {
        try {
            PrintWriter quiet = new PrintWriter(java.io.OutputStream.nullOutputStream());
            Plan parsed = RequestPlanning.plan(agents, runId, request, quiet).plan();
            synchronized (this) {
                // the lock orders this against cancel(): a cancelled request is never launched; nor one another
                // replica recorded as never started while this process had lost its lease
                if (!planning.containsKey(runId) || requests.recordedNotStarted(runId)) {
                    planning.remove(runId);
                    return;
                }
                launch(agents, runId, request, parsed, new PlanFileWriter().write(parsed), workers);
                planning.remove(runId);
                // an id that never became a run stays reserved: its record answers for it, no new run takes it
                reserved.remove(runId);
            }
        } catch (RuntimeException e) {
            if (stillPlanning(runId)) {
                LOG.error("planning run {} failed: {}", runId, e.getMessage());
                requests.notStarted(runId, "planning the request failed: " + e.getMessage());
            }
        }
    }

    private synchronized boolean stillPlanning(String runId) {
        return planning.remove(runId) != null;
    }

    private void launch(AgentRuntime agents, String runId, String request, Plan plan, String text, int workers) {
        Optional<String> remote = remote();
        Conductor conductor = remote.isPresent() ? RunSetup.remoteConductor(agents, context, listener, remote.get())
                : RunSetup.conductor(agents, context, listener);
        if (remote.isPresent()) {
            // a server of workers on many machines: they run the tasks and merge into the remote's main, not this
            // server's checkout (as `kleiber run --remote`)
            conductor.enqueue(runId, request, plan, text, remote.get());
            // and the server conducts it: the blocked work the workers send is answered here
            track(runId, RemoteRun.background(agents, conductor, runId, waitForWorkers));
            return;
        }
        track(runId, conductor.start(runId, request, plan, text, workers));
    }

    @Override
    public void proceed(String runId, String by) {
        AgentRuntime agents;
        synchronized (this) {
            if (closed) {
                return;
            }
            RunHandle live = running.get(runId);
            if (live != null && !live.completion().isDone()) {
                // this server's conductor is still on the run, but it may be ending it as waiting (a person is asked
                // for as soon as a task blocks, before the run ends): look again once it has ended
                live.completion().whenComplete((outcome, failure) -> proceed(runId, by));
                return;
            }
            try {
                agents = runtime();
            } catch (KleiberException e) {
                LOG.info("run {} waits for `kleiber resume` after the decision by {}: this server cannot run agents ({})",
                        runId, by, e.getMessage());
                return;
            }
            // an active run is another process's to continue; a finished one has nothing left
            String state = agents.store.runs().find(runId).map(r -> r.state()).orElse("finished");
            if (!state.equals("waiting") && !state.equals("paused")) {
                return;
            }
            try {
                // the run is of the kind it was started as, whatever this server's $KLEIBER_REMOTE says: on a remote the
                // workers claim what the decision made ready and the server answers the blocked work again; a run of
                // this checkout is run here
                Optional<String> remote = agents.store.runs().remoteOf(runId);
                RunHandle handle = remote.isPresent()
                        ? RemoteRun.background(agents, RunSetup.remoteConductor(agents, context, listener, remote.get()),
                        runId, waitForWorkers)
                        : RunSetup.conductor(agents, context, listener).resume(runId, agents.project.settings().workers());
                agents.store.events().append(runId, "", "api.resume", "after a decision by " + by);
                track(runId, handle);
            } catch (RuntimeException e) {
                LOG.warn("run {} could not continue after the decision by {}: {}", runId, by, e.getMessage());
            }
        }
    }

    /**
     * The remote whose workers run the runs this server starts ({@code $KLEIBER_REMOTE}), if it has one. A run that
     * exists already is of the kind its record says ({@code runs().remoteOf}), not of this setting.
     */
    private Optional<String> remote() {
        return context.env("KLEIBER_REMOTE").filter(url -> !url.isBlank());
    }

    /** The agent runtime, opened at its first use: a server that only shows and decides needs no API key. */
    private synchronized AgentRuntime runtime() {
        if (runtime == null) {
            runtime = AgentRuntime.open(context, layout, script, err);
            requests = new StartedRequests(runtime.store, context.clock(), LeaseHolder.local());
        }
        return runtime;
    }

    private void track(String runId, RunHandle handle) {
        running.put(runId, handle);
        handle.completion().whenComplete((outcome, failure) -> {
            running.remove(runId, handle);
            if (failure != null) {
                LOG.error("run {} stopped: {}", runId, failure.getMessage());
            }
        });
    }

    private synchronized void release(String runId) {
        reserved.remove(runId);
    }

    @Override
    public Optional<String> cancel(String runId, String by) {
        Thread planner;
        synchronized (this) {
            planner = planning.remove(runId);
        }
        if (planner != null) {
            planner.interrupt();
            stopped(runId, "cancelled by " + by + " before its plan was ready");
            return Optional.of("cancelled");
        }
        if (store.runs().remoteOf(runId).isPresent()) {
            return cancelRemote(runId, by);
        }
        RunHandle handle = running.get(runId);
        if (handle == null || handle.completion().isDone()) {
            return Optional.empty();
        }
        AgentRuntime agents;
        synchronized (this) {
            agents = runtime;
        }
        // the conductor records the run's end state (finished, waiting, paused) just before its handle completes:
        // a run no longer active is past stopping
        if (agents.store.runs().find(runId).map(r -> !r.state().equals("active")).orElse(false)) {
            return Optional.empty();
        }
        handle.stop();
        return Optional.of("stopping");
    }

    /**
     * Cancels a run on a remote's workers in the store (ADR 0137), whichever process started or follows it: its tasks
     * not done are cancelled, so no worker claims them, and a worker holding one loses its lease, which stops its
     * attempt (nothing of it is pushed or merged after). A follower here stops; one elsewhere sees the run cancelled.
     * Empty when the run has ended (finished, or cancelled already).
     */
    private Optional<String> cancelRemote(String runId, String by) {
        String reason = "cancelled by " + by + " through the API";
        Optional<List<TaskRecord>> cancelled = store.tasks().cancelRun(runId, reason);
        if (cancelled.isEmpty()) {
            return Optional.empty();
        }
        RunHandle follower = running.get(runId);
        if (follower != null) {
            follower.stop();
        }
        RunListener.recorded(store.runEvents(), context.clock(), listener).on(new RunEvent.RunCancelled(runId, reason,
                cancelled.get().stream().map(TaskRecord::id).toList()));
        return Optional.of("cancelled");
    }

    private void stopped(String runId, String why) {
        StartedRequests recorded;
        synchronized (this) {
            recorded = requests;
        }
        recorded.notStarted(runId, why);
    }

    /** Stops every run (no new attempt starts), waits for the attempts under way, and closes the runtime. */
    @Override
    public void close() {
        List<String> unplanned;
        synchronized (this) {
            closed = true;
            unplanned = List.copyOf(planning.keySet());
            planning.values().forEach(Thread::interrupt);
            planning.clear();
        }
        unplanned.forEach(runId -> stopped(runId, "the server stopped before its plan was ready"));
        running.values().forEach(RunHandle::stop);
        // one deadline for every run, not one each: the whole stop must fit the deployment's grace period
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (RunHandle handle : running.values()) {
            try {
                handle.completion().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("run {} did not stop cleanly: {}", handle.runId(), e.getMessage());
            }
        }
        synchronized (this) {
            if (runtime != null) {
                runtime.close();
            }
        }
    }
}
