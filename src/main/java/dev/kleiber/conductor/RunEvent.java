package dev.kleiber.conductor;

import dev.kleiber.protocol.BlockType;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.Tier;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened in a run, as data. The conductor, its desks and the watch of main publish these to
 * {@link RunListener}s: the line printer and the live board of {@code kleiber run}, tests, and next the server's
 * live stream. {@link RunEventText} says how each reads as one line. {@link #taskId()} is empty for what concerns
 * the run as a whole (main, a worker, the end).
 */
public sealed interface RunEvent {
    String runId();

    String taskId();

    /** The run's plan recorded a task: its role, model tier, review and the routing rules that chose them. */
    record TaskPlanned(String runId, String taskId, String agent, Tier tier, boolean humanReview, List<String> rules,
                       Optional<String> addedFor) implements RunEvent {
        public TaskPlanned {
            rules = List.copyOf(rules);
            Objects.requireNonNull(addedFor, "addedFor");
        }
    }

    /** An attempt ended and the task went back to the queue ({@code reason}: a retry, an escalation, a pause). */
    record TaskQueued(String runId, String taskId, String reason) implements RunEvent {
    }

    /** A worker's lease expired (its process died or hung) and the task went back to the queue. */
    record TaskReclaimed(String runId, String taskId) implements RunEvent {
    }

    /** A worker claimed the task and starts an attempt. */
    record TaskStarted(String runId, String taskId, String agent, Tier tier, int attempt) implements RunEvent {
    }

    /** The sandbox refused one of the agent's tool calls. */
    record ToolRefused(String runId, String taskId, String tool, String input, String reason) implements RunEvent {
    }

    /**
     * A model call of the attempt failed and is tried again after {@code delay}: call attempt {@code nextCall} of
     * {@code maxCalls}. {@code problem} says what went wrong in a few words, {@code reason} as the API said it.
     */
    record CallRetried(String runId, String taskId, int attempt, int nextCall, int maxCalls, Duration delay,
                       String problem, String reason) implements RunEvent {
    }

    /**
     * The attempt's conversation neared the model's context window and was compacted: the {@code messagesReplaced}
     * oldest messages became the task with the agent's summary, {@code tokensBefore} input tokens became
     * {@code tokensAfter}.
     */
    record SessionCompacted(String runId, String taskId, int attempt, int turn, long tokensBefore, long tokensAfter,
                            int messagesReplaced) implements RunEvent {
    }

    /**
     * The ledger billed model calls of an attempt: told after each call is answered, so spend shows as it happens.
     * {@code calls} (usually 1) and {@code costUsd} are what this event bills, not a running total: summed over the
     * events they give the attempt's, task's or run's calls and cost.
     */
    record SessionBilled(String runId, String taskId, int attempt, Tier tier, long calls, BigDecimal costUsd)
            implements RunEvent {
    }

    /**
     * An attempt ran on Claude Code ({@code runner: claude-code}): the {@code calls} its metering proxy let through
     * and the tokens and dollars the ledger bills for them, beside Claude Code's own {@code total_cost_usd}
     * ({@code reportedCostUsd}, never billed); its result ({@code success}, {@code error_max_turns}, ... or
     * {@code none}) after {@code turns} turns; the tool calls its guard denied and the calls the proxy refused, as
     * Kleiber recorded them in its own process.
     */
    record ClaudeCodeSession(String runId, String taskId, int attempt, String model, long calls, long inputTokens,
                             long outputTokens, BigDecimal ledgerCostUsd, Optional<BigDecimal> reportedCostUsd,
                             String result, int turns, List<String> denied, List<String> refused) implements RunEvent {
        public ClaudeCodeSession {
            Objects.requireNonNull(reportedCostUsd, "reportedCostUsd");
            denied = List.copyOf(denied);
            refused = List.copyOf(refused);
        }
    }

    /** The task's branch passed validation at {@code commit}. */
    record Validated(String runId, String taskId, String commit) implements RunEvent {
    }

    /** The task's change touches sensitive code (the diff trigger): it waits for a person although routed without. */
    record DiffNeedsReview(String runId, String taskId, List<Reason> reasons) implements RunEvent {
        public DiffNeedsReview {
            reasons = List.copyOf(reasons);
        }
    }

    /** Validated, and forced to wait for a person's review before it merges. */
    record AwaitingReview(String runId, String taskId, String commit) implements RunEvent {
    }

    /**
     * The agent completed the task without changing a file: nothing merged, nothing recorded; the task is blocked for
     * a decision in {@code blockedFile} (relative to the repository).
     */
    record NothingToChange(String runId, String taskId, String blockedFile) implements RunEvent {
    }

    /** Merged into main as {@code commit}. */
    record Merged(String runId, String taskId, String commit) implements RunEvent {
    }

    /** The task's work was already on main (merged before a crash let the store hear of it). */
    record FoundMerged(String runId, String taskId) implements RunEvent {
    }

    /** Merging into main conflicted; the blocked file (relative to the repository) asks the conductor to answer. */
    record MergeConflicted(String runId, String taskId, List<String> files, String blockedFile) implements RunEvent {
        public MergeConflicted {
            files = List.copyOf(files);
        }
    }

    /** Who stopped a task with a blocked file. */
    enum BlockedBy { AGENT, FILE }

    /** The task is blocked: its agent said so, or a blocked file was dropped in {@code blocked/}. */
    record TaskBlocked(String runId, String taskId, BlockType type, String problem, BlockedBy by) implements RunEvent {
    }

    /** The agent's work failed and the task goes round again: on {@code tier}, with {@code feedback}. */
    record Retried(String runId, String taskId, Tier tier, String feedback) implements RunEvent {
    }

    /** The agent asked for a stronger model, and the task restarts on {@code to}. */
    record Escalated(String runId, String taskId, Tier from, Tier to, String reason) implements RunEvent {
    }

    /** Every retry of the ladder failed: the task is blocked for a person. */
    record RetriesExhausted(String runId, String taskId, long failures) implements RunEvent {
    }

    /** Whose next step the budget stopped. */
    enum PausedAt { AGENT, CONDUCTOR_ANSWER }

    /** The budget guard refused a call: the run pauses, what is not done stays queued. */
    record BudgetPaused(String runId, String taskId, PausedAt step, String reason) implements RunEvent {
    }

    /**
     * Not the agent's fault: a model without a price or no longer served, a checkout in the way, a missing tool.
     * The task stops where it is (its branch keeps the work) until a person fixes {@code fix}.
     */
    record EnvironmentFailed(String runId, String taskId, String problem, String fix) implements RunEvent {
    }

    /** A step failed for a reason that usually passes (a git lock, a busy store, I/O); it is tried again. */
    record TransientFailure(String runId, String taskId, int failure, int limit, Duration backoff, String problem)
            implements RunEvent {
    }

    /** The task failed for good: an error that is not the agent's work and does not pass by itself. */
    record TaskFailed(String runId, String taskId, String reason) implements RunEvent {
    }

    /** This worker's lease on the task was lost: another may hold it now; this attempt stopped. */
    record LeaseLost(String runId, String taskId, String reason) implements RunEvent {
    }

    /** A worker thread ended on an error outside any task. */
    record WorkerStopped(String runId, String reason) implements RunEvent {
        @Override
        public String taskId() {
            return "";
        }
    }

    /**
     * A run on a remote's workers was cancelled ({@code reason}: by whom): its tasks not yet merged, failed or cancelled
     * are {@code cancelled}; a worker holding one stops it (ADR 0137).
     */
    record RunCancelled(String runId, String reason, List<String> cancelled) implements RunEvent {
        public RunCancelled {
            cancelled = List.copyOf(cancelled);
        }

        @Override
        public String taskId() {
            return "";
        }
    }

    /**
     * The conductor following a run on {@code remote}'s workers saw no live worker that could take its {@code queued}
     * tasks (needing {@code tags}) for {@code waited}, and stopped following: the run waits, and {@code command}
     * starts a worker for it (ADR 0137).
     */
    record NoLiveWorker(String runId, String remote, List<String> queued, List<String> tags, Duration waited,
                        String command) implements RunEvent {
        public NoLiveWorker {
            queued = List.copyOf(queued);
            tags = List.copyOf(tags);
        }

        @Override
        public String taskId() {
            return "";
        }
    }

    /** The conductor answered a task's blocked file; see the subtypes for how. */
    sealed interface ConductorAnswered extends RunEvent {
    }

    /** It needs a person: the question is written into the blocked file. */
    record AskedPerson(String runId, String taskId, String question) implements ConductorAnswered {
    }

    /** It restarts the task on Opus. */
    record EscalatedByConductor(String runId, String taskId, String reason) implements ConductorAnswered {
    }

    /** It changed the plan ({@code what} it changed); tasks it added follow as {@link TaskPlanned} events. */
    record Replanned(String runId, String taskId, String what, String reason) implements ConductorAnswered {
    }

    /** A merge conflict's answer: resolution task {@code resolutionId} lands the work. */
    record ResolutionPlanned(String runId, String taskId, List<String> conflicts, String resolutionId, String agent,
                             Tier tier) implements ConductorAnswered {
        public ResolutionPlanned {
            conflicts = List.copyOf(conflicts);
        }
    }

    /**
     * A person answered the conductor's question about a blocked task: {@code by} who (a name and where it came from,
     * "ana (from $USER)", "phone (token)"), written into {@code file}, which the conductor takes on resume.
     */
    record PersonAnswered(String runId, String taskId, String by, String file) implements RunEvent {
    }

    /** The conductor's answer to a blocked file failed; the file waits for the next run or a resume. */
    record AnswerFailed(String runId, String taskId, String file, String reason) implements RunEvent {
    }

    /** A file in {@code blocked/} was not a valid blocked file; it is ignored until it changes. */
    record BlockedFileIgnored(String runId, String taskId, String file, String problem) implements RunEvent {
    }

    /** The periodic check of main ran: passed, or which checks failed (the report file says more). */
    record MainValidated(String runId, String commit, boolean passed, String failures, String reportFile)
            implements RunEvent {
        @Override
        public String taskId() {
            return "";
        }
    }

    /** Main could not be checked at all (the validator itself failed). */
    record MainUncheckable(String runId, String reason) implements RunEvent {
        @Override
        public String taskId() {
            return "";
        }
    }

    /** A check of main ran but the store refused its record. */
    record MainCheckUnrecorded(String runId, String reason) implements RunEvent {
        @Override
        public String taskId() {
            return "";
        }
    }

    /**
     * Housekeeping around the work failed ({@code what} could not be done: clear the protocol folders' abandoned
     * temp files, remove an attempt's worktree, release a lease); the work itself is not affected.
     */
    record HousekeepingFailed(String runId, String what, String reason) implements RunEvent {
        @Override
        public String taskId() {
            return "";
        }
    }

    /** The run stopped working: everything it could do is done, or it paused or was stopped. */
    record RunFinished(String runId, RunOutcome outcome) implements RunEvent {
        @Override
        public String taskId() {
            return "";
        }
    }
}
