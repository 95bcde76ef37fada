package dev.kleiber.conductor;

import dev.kleiber.conductor.RunEvent.AnswerFailed;
import dev.kleiber.conductor.RunEvent.AskedPerson;
import dev.kleiber.conductor.RunEvent.AwaitingReview;
import dev.kleiber.conductor.RunEvent.BlockedFileIgnored;
import dev.kleiber.conductor.RunEvent.BudgetPaused;
import dev.kleiber.conductor.RunEvent.EnvironmentFailed;
import dev.kleiber.conductor.RunEvent.Escalated;
import dev.kleiber.conductor.RunEvent.EscalatedByConductor;
import dev.kleiber.conductor.RunEvent.FoundMerged;
import dev.kleiber.conductor.RunEvent.HousekeepingFailed;
import dev.kleiber.conductor.RunEvent.LeaseLost;
import dev.kleiber.conductor.RunEvent.MainCheckUnrecorded;
import dev.kleiber.conductor.RunEvent.MainUncheckable;
import dev.kleiber.conductor.RunEvent.MainValidated;
import dev.kleiber.conductor.RunEvent.MergeConflicted;
import dev.kleiber.conductor.RunEvent.Merged;
import dev.kleiber.conductor.RunEvent.NoLiveWorker;
import dev.kleiber.conductor.RunEvent.Replanned;
import dev.kleiber.conductor.RunEvent.ResolutionPlanned;
import dev.kleiber.conductor.RunEvent.RetriesExhausted;
import dev.kleiber.conductor.RunEvent.Retried;
import dev.kleiber.conductor.RunEvent.RunCancelled;
import dev.kleiber.conductor.RunEvent.RunFinished;
import dev.kleiber.conductor.RunEvent.SessionBilled;
import dev.kleiber.conductor.RunEvent.TaskBlocked;
import dev.kleiber.conductor.RunEvent.TaskFailed;
import dev.kleiber.conductor.RunEvent.TaskPlanned;
import dev.kleiber.conductor.RunEvent.TaskQueued;
import dev.kleiber.conductor.RunEvent.TaskReclaimed;
import dev.kleiber.conductor.RunEvent.TaskStarted;
import dev.kleiber.conductor.RunEvent.ToolRefused;
import dev.kleiber.conductor.RunEvent.TransientFailure;
import dev.kleiber.conductor.RunEvent.Validated;
import dev.kleiber.conductor.RunEvent.WorkerStopped;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * How a {@link RunEvent} reads as one line of a terminal or a log (without the time and task id the printer puts
 * before it). Events a person watching need not see (a task queued, a session billed, the end) have no line.
 */
public final class RunEventText {
    private RunEventText() {
    }

    public static Optional<String> of(RunEvent event) {
        return Optional.ofNullable(switch (event) {
            case TaskPlanned e -> "planned: " + e.agent() + " on " + e.tier().id()
                    + (e.humanReview() ? ", human review required" : "")
                    + " (" + e.addedFor().map(id -> "added by the conductor for " + id)
                    .orElseGet(() -> String.join(", ", e.rules())) + ")";
            case TaskQueued e -> null;
            case TaskReclaimed e -> "reclaimed: its worker's lease expired";
            case TaskStarted e -> "running: " + e.agent() + " on " + e.tier().id() + ", attempt " + e.attempt();
            case ToolRefused e -> "refused " + e.tool() + " (" + e.input() + "): " + firstLine(e.reason());
            case RunEvent.CallRetried e -> new dev.kleiber.llm.RetryNotice(e.nextCall(), e.maxCalls(), e.delay(),
                    e.problem(), e.reason()).text();
            case RunEvent.SessionCompacted e -> new dev.kleiber.agent.SessionCompaction(e.turn(), e.tokensBefore(),
                    e.tokensAfter(), e.messagesReplaced()).describe();
            case SessionBilled e -> null;
            case RunEvent.ClaudeCodeSession e -> "Claude Code, attempt " + e.attempt() + ": " + e.result() + " after "
                    + e.turns() + " turns, " + e.calls() + " calls billed $" + e.ledgerCostUsd().toPlainString()
                    + " (it reported $" + e.reportedCostUsd().map(BigDecimal::toPlainString).orElse("?") + ")"
                    + (e.denied().isEmpty() ? "" : "; its guard denied " + e.denied().size() + ": "
                    + firstLine(e.denied().getFirst()))
                    + (e.refused().isEmpty() ? "" : "; the proxy refused: " + firstLine(e.refused().getFirst()));
            case Validated e -> "validated at " + shortCommit(e.commit());
            case RunEvent.DiffNeedsReview e -> "the diff needs review: " + e.reasons().getFirst().evidence();
            case AwaitingReview e -> "awaiting review: `kleiber review show " + e.taskId() + "`";
            case Merged e -> "merged into main (" + shortCommit(e.commit()) + ")";
            case FoundMerged e -> "merged (found on main)";
            case RunEvent.NothingToChange e -> "nothing to change: the agent completed it without changing a file; "
                    + "nothing merged, see " + e.blockedFile();
            case MergeConflicted e -> "blocked: merge conflict, see " + e.blockedFile();
            case TaskBlocked e -> "blocked (" + e.type().id() + (e.by() == RunEvent.BlockedBy.FILE ? ", a file in blocked/" : "")
                    + "): " + firstLine(e.problem());
            case Retried e -> "retrying on " + e.tier().id() + ": " + firstLine(e.feedback());
            case Escalated e -> "escalated to " + e.to().id() + ": " + firstLine(e.reason());
            case RetriesExhausted e -> "blocked: failed " + e.failures() + " attempts";
            case BudgetPaused e -> "paused: " + (e.step() == RunEvent.PausedAt.CONDUCTOR_ANSWER
                    ? "the conductor's answer would pass the budget: " : "") + e.reason();
            case EnvironmentFailed e -> "stopped, not the agent's fault: " + firstLine(e.problem()) + " To fix: " + e.fix();
            case TransientFailure e -> "transient failure " + e.failure() + " of " + e.limit() + ", trying again in "
                    + e.backoff().toMillis() + " ms: " + firstLine(e.problem());
            case TaskFailed e -> "failed: " + e.reason();
            case LeaseLost e -> "stopped: " + e.reason();
            case WorkerStopped e -> "a worker stopped: " + e.reason();
            case RunCancelled e -> "run cancelled (" + e.reason() + "): " + (e.cancelled().isEmpty() ? "no task was left"
                    : String.join(", ", e.cancelled()) + " cancelled") + "; no worker takes its tasks any more";
            case NoLiveWorker e -> "no live worker of " + e.remote() + (e.tags().isEmpty() ? "" : " offering "
                    + String.join(",", e.tags())) + " for " + e.waited().toSeconds() + " s, with " + e.queued().size()
                    + " task(s) queued (" + String.join(", ", e.queued()) + "): start one with `" + e.command() + "`";
            case AskedPerson e -> "answered blocked " + e.taskId() + ": asks a person: " + e.question();
            case EscalatedByConductor e -> "answered blocked " + e.taskId() + ": escalated to opus: " + firstLine(e.reason());
            case Replanned e -> "answered blocked " + e.taskId() + ": re-planned (" + e.what() + "): " + firstLine(e.reason());
            case ResolutionPlanned e -> "answered blocked " + e.taskId() + ": merge conflict in "
                    + (e.conflicts().isEmpty() ? "no file any more" : String.join(", ", e.conflicts()))
                    + "; resolution task " + e.resolutionId() + " (" + e.agent() + " on " + e.tier().id() + ") lands its work";
            case RunEvent.PersonAnswered e -> "answered by " + e.by() + " in " + e.file() + "; the conductor takes it on resume";
            case AnswerFailed e -> "the conductor could not answer " + e.file() + ": " + e.reason();
            case BlockedFileIgnored e -> "ignored " + e.file() + ": " + e.problem();
            case MainValidated e -> e.passed() ? "main passed validation at " + e.commit()
                    : "MAIN IS BROKEN at " + e.commit() + ": " + e.failures() + " (see " + e.reportFile() + ")";
            case MainUncheckable e -> "error: main could not be validated: " + e.reason();
            case MainCheckUnrecorded e -> "the check of main could not be recorded: " + e.reason();
            case HousekeepingFailed e -> "could not " + e.what() + ": " + e.reason();
            case RunFinished e -> null;
        });
    }

    static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
