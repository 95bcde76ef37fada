package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RemoteBlocked;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunHandle;
import dev.kleiber.conductor.RunOutcome;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.plan.Plan;
import dev.kleiber.store.Runs;
import dev.kleiber.store.StoreException;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Workers;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code kleiber run --remote URL}: the conductor side of a run on many machines. The plan is recorded in the shared
 * store as a run of {@code URL}; the {@code kleiber worker} processes of that remote claim its tasks, push their
 * branches and merge into the remote's main (ADR 0132). This process then follows the run from the store, printing
 * each task's moves and answering its blocked work (the workers send their blocked files through the store, ADR
 * 0133), until nothing can move without a person or a worker, and reports as {@code kleiber run} does. {@code kleiber
 * resume} of such a run follows it again: what a person answered meanwhile is answered by the conductor. Following
 * ends too when the run is cancelled (through the API, ADR 0137), and when tasks are queued but no live worker that
 * could take them has been seen for a while: it says so, with the command that starts one, and the run waits.
 */
final class RemoteRun {
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int FILE_WAIT_POLLS = 10;
    private static final int STORE_FAILURES = 30;

    private RemoteRun() {
    }

    /** How following a run ended: why this process stopped, and where the run's tasks stand. */
    sealed interface Followed {
        RunOutcome outcome();

        /** Nothing can move without a person or a worker (or the budget paused the answers); the state is recorded. */
        record Settled(RunOutcome outcome) implements Followed {
        }

        /** The run was cancelled (through the API): none of its tasks runs again. */
        record Cancelled(RunOutcome outcome, String reason) implements Followed {
        }

        /** Tasks were queued and no live worker could take them for the wait given: the run waits for a worker. */
        record NoWorker(RunOutcome outcome, RunEvent.NoLiveWorker said) implements Followed {
        }

        /** This process stopped following (a server shutting down); the workers go on with the run. */
        record Stopped(RunOutcome outcome) implements Followed {
        }
    }

    static int enqueue(AgentRuntime runtime, CliContext context, PrintWriter out, String runId, String request, Plan plan,
                       String planText, String remote, boolean detach, Duration waitForWorkers) {
        RemoteGit.requireNoSecretIn(remote);
        Conductor conductor = RunSetup.remoteConductor(runtime, context, RunCommand.printer(out, context), remote);
        conductor.enqueue(runId, request, plan, planText, remote);
        out.println("run " + runId + ": enqueued for the workers of " + remote + " (`kleiber workers` lists them)");
        out.flush();
        if (detach) {
            return 0;
        }
        return conduct(runtime, context, out, conductor, runId, waitForWorkers);
    }

    /** {@code kleiber resume} of a run of {@code remote}: the workers are asked to go on, and this process conducts it. */
    static int resume(AgentRuntime runtime, CliContext context, PrintWriter out, String runId, String remote,
                      Duration waitForWorkers) {
        if (runtime.store.runs().find(runId).map(r -> r.state().equals(Runs.CANCELLED)).orElse(false)) {
            out.println("run " + runId + " was cancelled (" + cancelReason(runtime, runId) + "): nothing of it runs again");
            return KleiberException.FAILED;
        }
        out.println("run " + runId + " runs on the workers of " + remote + ": following it and answering its blocked work");
        out.flush();
        Conductor conductor = RunSetup.remoteConductor(runtime, context, RunCommand.printer(out, context), remote);
        return conduct(runtime, context, out, conductor, runId, waitForWorkers);
    }

    private static int conduct(AgentRuntime runtime, CliContext context, PrintWriter out, Conductor conductor, String runId,
                               Duration waitForWorkers) {
        Followed followed = follow(runtime, conductor, runId, waitForWorkers, task -> {
            out.println(RunCommand.eventLine(context.clock(), task.id(), task.state().id()));
            out.flush();
        }, () -> false);
        if (followed instanceof Followed.Cancelled cancelled) {
            RunOutcome outcome = cancelled.outcome();
            out.println();
            out.println("run " + runId + " was cancelled (" + cancelled.reason() + "): " + outcome.merged().size()
                    + " merged before it; the rest is cancelled and no worker takes it");
            out.flush();
            return KleiberException.FAILED;
        }
        int code = RunCommand.report(out, followed.outcome(), runtime.store.tasks().ofRun(runId),
                BlockedDesk.questions(runtime.store, runId), Conductor.environmentStops(runtime.store, runId));
        if (followed instanceof Followed.NoWorker none) {
            out.println("stopped following run " + runId + ": no live worker of " + none.said().remote() + " for "
                    + none.said().waited().toSeconds() + " s. Start one (`" + none.said().command() + "`): it takes "
                    + "the run's tasks; `kleiber resume` follows the run again.");
            out.flush();
            // the work is not done, and nothing is moving it
            return KleiberException.FAILED;
        }
        return code;
    }

    /**
     * {@code kleiber serve}'s part in a run of its remote: {@link #follow} on a thread of its own, so that the blocked
     * work the workers send is answered by the server's conductor (its listeners tell the dashboard); stopping the
     * handle stops the following, never the workers.
     */
    static RunHandle background(AgentRuntime runtime, Conductor conductor, String runId, Duration waitForWorkers) {
        AtomicBoolean stopped = new AtomicBoolean();
        CompletableFuture<RunOutcome> completion = new CompletableFuture<>();
        Thread.ofVirtual().name("kleiber-conduct-" + runId).start(() -> {
            try {
                completion.complete(follow(runtime, conductor, runId, waitForWorkers, task -> { }, stopped::get).outcome());
            } catch (RuntimeException e) {
                completion.completeExceptionally(e);
            }
        });
        return new RunHandle(runId, completion, () -> stopped.set(true));
    }

    /**
     * Tells each task's new state as the store shows it and answers the blocked files the workers send, until no
     * task is held or ready to be claimed (or the budget stops the conductor's answers), the run is cancelled, no
     * live worker could take its queued tasks for {@code waitForWorkers}, or {@code stopped}; then records where the
     * run rests (a cancelled run stays cancelled).
     */
    private static Followed follow(AgentRuntime runtime, Conductor conductor, String runId, Duration waitForWorkers,
                                   Consumer<TaskRecord> moved, BooleanSupplier stopped) {
        String remote = runtime.store.runs().remoteOf(runId).orElseThrow(() ->
                KleiberException.failed("run " + runId + " has no remote: its conductor runs it"));
        runtime.store.runs().setState(runId, "active");
        Map<String, TaskState> seen = new HashMap<>();
        Set<String> unanswerable = new HashSet<>();
        Path checkout = runtime.project.layout().root();
        int waitedForFiles = 0;
        int storeFailures = 0;
        // when a worker that could take the queued tasks was last alive (or nothing waited for one)
        long served = System.nanoTime();
        while (true) {
            Optional<String> paused;
            List<TaskRecord> tasks;
            boolean workerAlive;
            try {
                Optional<String> cancelled = cancelled(runtime, runId);
                if (cancelled.isPresent()) {
                    return new Followed.Cancelled(Conductor.outcome(runtime.store, runId, Optional.empty()), cancelled.get());
                }
                // a dead worker's tasks go back to the queue even while no other worker polls
                runtime.store.queue().requeueExpired(runId);
                RemoteBlocked.receive(runtime.store, checkout, runId, runtime.project.knownRoles());
                // the budget stops the conductor's answers here, or a worker's calls elsewhere (it paused the run)
                paused = conductor.answerBlocked(runId, unanswerable)
                        .or(() -> Conductor.pausedByWorkers(runtime.store, runId));
                tasks = runtime.store.tasks().ofRun(runId);
                workerAlive = canBeServed(runtime, runId, remote);
                storeFailures = 0;
            } catch (StoreException e) {
                // a store that fails for a moment (a lost connection, a busy file) costs a poll, not the following
                if (++storeFailures > STORE_FAILURES) {
                    throw e;
                }
                pause(runId);
                continue;
            }
            for (TaskRecord task : tasks) {
                if (seen.put(task.id(), task.state()) != task.state() && task.state() != TaskState.PLANNED) {
                    moved.accept(task);
                }
            }
            RunOutcome outcome = Conductor.outcome(runtime.store, runId, paused);
            boolean held = tasks.stream().anyMatch(t -> t.state().isLeased());
            boolean settled = !held && outcome.queued().isEmpty();
            // a worker sends a blocked file just after its task moved to blocked; one that died in between never will
            if (paused.isPresent() || settled && (RemoteBlocked.notReceived(runtime.store, runId).isEmpty()
                    || ++waitedForFiles > FILE_WAIT_POLLS)) {
                // a cancel that landed since this poll's look: its tasks settled because they were cancelled
                Optional<String> cancelled = cancelled(runtime, runId);
                if (cancelled.isPresent()) {
                    return new Followed.Cancelled(outcome, cancelled.get());
                }
                // where the run rests, and the session's summary pushed to the remote's main
                RunOutcome rests = conductor.finish(runId, paused);
                // a cancelled run stays cancelled whatever finish recorded: the cancel came first, say so
                return cancelled(runtime, runId).<Followed>map(why -> new Followed.Cancelled(rests, why))
                        .orElseGet(() -> new Followed.Settled(rests));
            }
            if (stopped.getAsBoolean()) {
                // the workers go on with the run: it stays active for them
                return new Followed.Stopped(outcome);
            }
            if (held || workerAlive) {
                served = System.nanoTime();
            } else if (System.nanoTime() - served >= waitForWorkers.toNanos()) {
                RunEvent.NoLiveWorker said = noLiveWorker(runtime, runId, remote, outcome, waitForWorkers);
                runtime.store.runs().setState(runId, "waiting");
                Optional<String> cancelled = cancelled(runtime, runId);
                if (cancelled.isPresent()) {
                    return new Followed.Cancelled(outcome, cancelled.get());
                }
                conductor.listener().on(said);
                return new Followed.NoWorker(outcome, said);
            }
            pause(runId);
        }
    }

    /** Why the run was cancelled (who cancelled it), when it was. */
    private static Optional<String> cancelled(AgentRuntime runtime, String runId) {
        if (!runtime.store.runs().find(runId).map(r -> r.state().equals(Runs.CANCELLED)).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(cancelReason(runtime, runId));
    }

    private static String cancelReason(AgentRuntime runtime, String runId) {
        return runtime.store.events().ofRun(runId).stream().filter(e -> e.taskId().isEmpty()
                        && e.kind().equals("run." + Runs.CANCELLED) && !e.detail().isBlank())
                .reduce((first, second) -> second).map(e -> e.detail()).orElse("cancelled");
    }

    /** Whether nothing waits for a worker, or a live worker of {@code remote} can take a ready task. */
    private static boolean canBeServed(AgentRuntime runtime, String runId, String remote) {
        return runtime.store.workers().canTakeAny(runtime.store.tasks().readyNeeds(runId), remote);
    }

    private static RunEvent.NoLiveWorker noLiveWorker(AgentRuntime runtime, String runId, String remote, RunOutcome outcome,
                                                      Duration waited) {
        // the tags of the first ready task: a worker offering them takes at least that one
        Set<String> tags = new TreeSet<>(runtime.store.tasks().readyNeeds(runId).stream().findFirst().orElse(Set.of()));
        return new RunEvent.NoLiveWorker(runId, remote, outcome.queued(), List.copyOf(tags), waited,
                Workers.startCommand(remote, tags));
    }

    private static void pause(String runId) {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KleiberException.failed("stopped following run " + runId + "; the workers go on: `kleiber status`");
        }
    }
}
