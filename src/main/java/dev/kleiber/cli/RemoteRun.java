package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RemoteBlocked;
import dev.kleiber.conductor.RunHandle;
import dev.kleiber.conductor.RunOutcome;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.plan.Plan;
import dev.kleiber.store.StoreException;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * resume} of such a run follows it again: what a person answered meanwhile is answered by the conductor.
 */
final class RemoteRun {
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int FILE_WAIT_POLLS = 10;
    private static final int STORE_FAILURES = 30;

    private RemoteRun() {
    }

    static int enqueue(AgentRuntime runtime, CliContext context, PrintWriter out, String runId, String request, Plan plan,
                       String planText, String remote, boolean detach) {
        RemoteGit.requireNoSecretIn(remote);
        Conductor conductor = RunSetup.remoteConductor(runtime, context, RunCommand.printer(out, context), remote);
        conductor.enqueue(runId, request, plan, planText, remote);
        out.println("run " + runId + ": enqueued for the workers of " + remote + " (`kleiber workers` lists them)");
        out.flush();
        if (detach) {
            return 0;
        }
        return conduct(runtime, context, out, conductor, runId);
    }

    /** {@code kleiber resume} of a run of {@code remote}: the workers are asked to go on, and this process conducts it. */
    static int resume(AgentRuntime runtime, CliContext context, PrintWriter out, String runId, String remote) {
        out.println("run " + runId + " runs on the workers of " + remote + ": following it and answering its blocked work");
        out.flush();
        Conductor conductor = RunSetup.remoteConductor(runtime, context, RunCommand.printer(out, context), remote);
        return conduct(runtime, context, out, conductor, runId);
    }

    private static int conduct(AgentRuntime runtime, CliContext context, PrintWriter out, Conductor conductor, String runId) {
        RunOutcome outcome = follow(runtime, conductor, runId, task -> {
            out.println(RunCommand.eventLine(context.clock(), task.id(), task.state().id()));
            out.flush();
        }, () -> false);
        return RunCommand.report(out, outcome, runtime.store.tasks().ofRun(runId),
                BlockedDesk.questions(runtime.store, runId), Conductor.environmentStops(runtime.store, runId));
    }

    /**
     * {@code kleiber serve}'s part in a run of its remote: {@link #follow} on a thread of its own, so that the blocked
     * work the workers send is answered by the server's conductor (its listeners tell the dashboard); stopping the
     * handle stops the following, never the workers.
     */
    static RunHandle background(AgentRuntime runtime, Conductor conductor, String runId) {
        AtomicBoolean stopped = new AtomicBoolean();
        CompletableFuture<RunOutcome> completion = new CompletableFuture<>();
        Thread.ofVirtual().name("kleiber-conduct-" + runId).start(() -> {
            try {
                completion.complete(follow(runtime, conductor, runId, task -> { }, stopped::get));
            } catch (RuntimeException e) {
                completion.completeExceptionally(e);
            }
        });
        return new RunHandle(runId, completion, () -> stopped.set(true));
    }

    /**
     * Tells each task's new state as the store shows it and answers the blocked files the workers send, until no
     * task is held or ready to be claimed (or the budget stops the conductor's answers, or {@code stopped}); then
     * records where the run rests.
     */
    private static RunOutcome follow(AgentRuntime runtime, Conductor conductor, String runId, Consumer<TaskRecord> moved,
                                     BooleanSupplier stopped) {
        runtime.store.runs().setState(runId, "active");
        Map<String, TaskState> seen = new HashMap<>();
        Set<String> unanswerable = new HashSet<>();
        Path checkout = runtime.project.layout().root();
        int waitedForFiles = 0;
        int storeFailures = 0;
        while (true) {
            Optional<String> paused;
            List<TaskRecord> tasks;
            try {
                // a dead worker's tasks go back to the queue even while no other worker polls
                runtime.store.queue().requeueExpired(runId);
                RemoteBlocked.receive(runtime.store, checkout, runId, runtime.project.knownRoles());
                paused = conductor.answerBlocked(runId, unanswerable);
                tasks = runtime.store.tasks().ofRun(runId);
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
            boolean settled = tasks.stream().noneMatch(t -> t.state().isLeased()) && outcome.queued().isEmpty();
            // a worker sends a blocked file just after its task moved to blocked; one that died in between never will
            if (paused.isPresent() || settled && (RemoteBlocked.notReceived(runtime.store, runId).isEmpty()
                    || ++waitedForFiles > FILE_WAIT_POLLS)) {
                // where the run rests, and the session's summary pushed to the remote's main
                return conductor.finish(runId, paused);
            }
            if (stopped.getAsBoolean()) {
                // the workers go on with the run: it stays active for them
                return outcome;
            }
            pause(runId);
        }
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
