package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RunOutcome;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.plan.Plan;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kleiber run --remote URL}: the conductor side of a run on many machines. The plan is recorded in the shared
 * store as a run of {@code URL}; the {@code kleiber worker} processes of that remote claim its tasks, push their
 * branches and merge into the remote's main (ADR 0132). This process then follows the run from the store, printing
 * each task's moves, until nothing can move without a person or a worker, and reports as {@code kleiber run} does.
 */
final class RemoteRun {
    private static final Duration POLL = Duration.ofSeconds(1);

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
        RunOutcome outcome = follow(runtime, context, out, runId);
        runtime.store.runs().setState(runId, outcome.finished() ? "finished" : "waiting");
        return RunCommand.report(out, outcome, runtime.store.tasks().ofRun(runId),
                BlockedDesk.questions(runtime.store, runId), Conductor.environmentStops(runtime.store, runId));
    }

    /** Prints each task's new state as the store shows it, until no task is held or ready to be claimed. */
    private static RunOutcome follow(AgentRuntime runtime, CliContext context, PrintWriter out, String runId) {
        Map<String, TaskState> seen = new HashMap<>();
        while (true) {
            List<TaskRecord> tasks = runtime.store.tasks().ofRun(runId);
            for (TaskRecord task : tasks) {
                if (seen.put(task.id(), task.state()) != task.state() && task.state() != TaskState.PLANNED) {
                    out.println(RunCommand.eventLine(context.clock(), task.id(), task.state().id()));
                    out.flush();
                }
            }
            RunOutcome outcome = Conductor.outcome(runtime.store, runId, Optional.empty());
            if (tasks.stream().noneMatch(t -> t.state().isLeased()) && outcome.queued().isEmpty()) {
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
