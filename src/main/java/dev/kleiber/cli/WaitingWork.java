package dev.kleiber.cli;

import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.Usd;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What waits for a person across every run, not only the latest: a payments task an earlier run left awaiting review
 * stays listed by `review` and `status`, and `approve`/`reject` find it without `--run`.
 */
final class WaitingWork {
    private WaitingWork() {
    }

    /**
     * The run a decision about {@code taskId} means: {@code --run} when given; else the latest run, unless the task
     * waits for review only in one earlier run. Two earlier runs waiting on the same id need {@code --run}.
     */
    static String runFor(Store store, Optional<String> named, String taskId) {
        return dev.kleiber.app.Decisions.runFor(store, named, taskId);
    }

    /** The command that continues {@code runId}: `kleiber resume`, with `--run` unless it is the latest run. */
    static String resume(Store store, String runId) {
        return runId.equals(ReviewDesk.runId(store, Optional.empty())) ? "kleiber resume" : "kleiber resume --run " + runId;
    }

    /**
     * One line per blocked task of {@code runId}, saying what the person can do: answer the conductor's question,
     * resume once it is answered, or read the blocked file. {@code namedRun}: the line names the run.
     */
    static List<String> blocked(Store store, String runId, boolean namedRun) {
        Map<String, String> questions = BlockedDesk.questions(store, runId);
        Map<String, String> answeredBy = BlockedDesk.answeredBy(store, runId);
        String where = namedRun ? " in run " + runId : "";
        List<String> lines = new java.util.ArrayList<>();
        for (TaskRecord task : store.tasks().ofRun(runId)) {
            if (task.state() != TaskState.BLOCKED) {
                continue;
            }
            String head = task.id() + "  blocked" + where + ": ";
            if (answeredBy.containsKey(task.id())) {
                lines.add(head + "answered by " + answeredBy.get(task.id()) + "; `" + resume(store, runId)
                        + "` hands the answer to the conductor");
            } else if (questions.containsKey(task.id())) {
                lines.add(head + "the conductor asks a person: " + questions.get(task.id()) + " (answer with `kleiber answer "
                        + task.id() + " \"TEXT\"`)");
            } else {
                lines.add(head + "see " + FileLocation.blockedFile(task.agent(), task.id()));
            }
        }
        return List.copyOf(lines);
    }

    /** One line per open budget pause: the work it holds waits for a person's decision as well. */
    static List<String> budget(BudgetStatus status) {
        return status.pauses().stream().map(p -> "budget  paused for task " + p.taskId() + ": " + p.describeLimit() + " ("
                + Usd.cents(p.limitUsd()) + ") would be passed by a call of " + Usd.fine(p.requestedUsd()) + "; `kleiber budget`"
                + " shows it, '" + p.continueCommands() + "' lets work go on").toList();
    }
}
