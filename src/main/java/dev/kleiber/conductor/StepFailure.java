package dev.kleiber.conductor;

import dev.kleiber.git.CheckoutInTheWayException;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.UnknownPriceException;
import dev.kleiber.llm.ApiSettingsException;
import dev.kleiber.llm.LlmCallException;
import dev.kleiber.llm.LlmFailure;
import dev.kleiber.store.LeaseLostException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Set;

/**
 * What an exception out of a step of an attempt (the worktree, the worker, validation, the merge) means for the
 * task. Only {@link Permanent} fails a task for good; a {@link Transient} error is tried again after a pause, a
 * bounded number of times; an {@link Environment} failure stops the task until a person fixes what it names.
 */
sealed interface StepFailure {
    String problem();

    /** Usually passes by itself: a git lock another git process holds, a busy store, I/O. */
    record Transient(String problem) implements StepFailure {
    }

    /** Outside the agent's work and not passing by itself; {@code fix} says what a person must change. */
    record Environment(String problem, String fix) implements StepFailure {
    }

    /** The budget refused a call: the run pauses. */
    record Budget(String problem) implements StepFailure {
    }

    /** The task's lease was lost: another worker may own it; this one must touch nothing more. */
    record LeaseGone(String problem) implements StepFailure {
    }

    /** Anything else: a defect or a state no retry changes. */
    record Permanent(String problem) implements StepFailure {
    }

    /** SQLite's busy and locked result codes. */
    Set<Integer> SQLITE_BUSY = Set.of(5, 6);
    /** PostgreSQL's serialization failure, deadlock, and connection classes. */
    Set<String> POSTGRES_TRANSIENT = Set.of("40001", "40P01");

    static StepFailure of(Throwable error) {
        String problem = message(error);
        return switch (error) {
            case LeaseLostException e -> new LeaseGone(problem);
            case BudgetExceededException e -> new Budget(problem);
            case ApiSettingsException e -> new Environment(problem, e.fix());
            case UnknownPriceException e -> new Environment(problem, "add the model's price under prices: in "
                    + ".kleiber/kleiber.yaml, or choose a priced model (`kleiber models` lists them); then `kleiber resume`");
            case LlmCallException e when e.failure() instanceof LlmFailure.ModelProblem -> new Environment(problem,
                    "run `kleiber models` and point the tier at a model it lists (or add the model's price); then "
                            + "`kleiber resume`");
            case RemoteGit.FetchFailed e -> new Transient(problem);
            case CheckoutInTheWayException e -> new Environment(problem, "commit or stash the changes in " + e.checkout()
                    + ", then `kleiber resume`");
            default -> transientCause(error) ? new Transient(problem) : new Permanent(problem);
        };
    }

    private static boolean transientCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (SQLITE_BUSY.contains(sql.getErrorCode() & 0xff)
                    || sql.getSQLState() != null && (POSTGRES_TRANSIENT.contains(sql.getSQLState())
                    || sql.getSQLState().startsWith("08")))) {
                return true;
            }
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
            // git says so only in its message: another git process holds the repository's lock file
            String text = t.getMessage();
            if (text != null && (text.contains("index.lock") || text.contains(".lock': File exists")
                    || text.contains("database is locked") || text.contains("SQLITE_BUSY"))) {
                return true;
            }
        }
        return false;
    }

    static String message(Throwable error) {
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }
}
