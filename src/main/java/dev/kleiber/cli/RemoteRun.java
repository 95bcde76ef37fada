package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RemoteBlocked;
import dev.kleiber.conductor.RunOutcome;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.plan.Plan;
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

    private RemoteRun() {
    }

    static int enqueue(AgentRuntime runtime, CliContext context, PrintWriter out, String runId, String request, Plan plan,
                       String planText, String remote, boolean detach) {
        RemoteGit.requireNoSecretIn(remote);
        Conductor conductor = RunSetup.conductor(runtime, context, RunCommand.printer(out, context));
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
        Conductor conductor = RunSetup.conductor(runtime, context, RunCommand.printer(out, context));
        runtime.store.runs().setState(runId, "active");
        return conduct(runtime, context, out, conductor, runId);
    }

    private static int conduct(AgentRuntime runtime, CliContext context, PrintWriter out, Conductor conductor, String runId) {
        RunOutcome outcome = follow(runtime, context, out, conductor, runId);
        runtime.store.runs().setState(runId, outcome.finished() ? "finished" : outcome.pause().isPresent() ? "paused" : "waiting");
        return RunCommand.report(out, outcome, runtime.store.tasks().ofRun(runId),
                BlockedDesk.questions(runtime.store, runId), Conductor.environmentStops(runtime.store, runId));
    }

    /**
     * Prints each task's new state as the store shows it and answers the blocked files the workers send, until no
     * task is held or ready to be claimed (or the budget stops the conductor's answers).
     */
    private static RunOutcome follow(AgentRuntime runtime, CliContext context, PrintWriter out, Conductor conductor,
                                     String runId) {
        Map<String, TaskState> seen = new HashMap<>();
        Set<String> unanswerable = new HashSet<>();
        Path checkout = runtime.project.layout().root();
        int waitedForFiles = 0;
        while (true) {
            RemoteBlocked.receive(runtime.store, checkout, runId, runtime.project.knownRoles());
            Optional<String> paused = conductor.answerBlocked(runId, unanswerable);
            List<TaskRecord> tasks = runtime.store.tasks().ofRun(runId);
            for (TaskRecord task : tasks) {
                if (seen.put(task.id(), task.state()) != task.state() && task.state() != TaskState.PLANNED) {
                    out.println(RunCommand.eventLine(context.clock(), task.id(), task.state().id()));
                    out.flush();
                }
            }
            RunOutcome outcome = Conductor.outcome(runtime.store, runId, paused);
            boolean settled = tasks.stream().noneMatch(t -> t.state().isLeased()) && outcome.queued().isEmpty();
            // a worker sends a blocked file just after its task moved to blocked; one that died in between never will
            if (paused.isPresent() || settled && (RemoteBlocked.onTheirWay(runtime.store, runId).isEmpty()
                    || ++waitedForFiles > FILE_WAIT_POLLS)) {
                return outcome;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KleiberException.failed("stopped following run " + runId + "; the workers go on: `kleiber status`");
            }
        }
    }
}
