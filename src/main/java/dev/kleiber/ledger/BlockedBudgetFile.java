package dev.kleiber.ledger;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;
import dev.kleiber.protocol.FileLocation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;

/**
 * The human alert of a budget pause as a blocked file for the conductor,
 * {@code blocked/conductor/budget-YYYY-MM-DD-conflict.md}, in the blueprint's Blocked format (type technical).
 * Its renderer is local until the protocol package's Blocked record replaces it.
 */
public final class BlockedBudgetFile implements BudgetAlert {
    private final Path repositoryRoot;

    public BlockedBudgetFile(Path repositoryRoot) {
        this.repositoryRoot = repositoryRoot;
    }

    /** Where the alert of a pause on {@code pause.day()} goes, relative to the repository root. */
    public static Path relativePath(BudgetPause pause) {
        return Path.of(FileLocation.blockedFile("conductor", "budget-" + pause.day()));
    }

    /** Writes (or, on a later pause the same day, replaces with the current figures) the alert file. */
    @Override
    public void paused(BudgetPause pause) {
        Path file = repositoryRoot.resolve(relativePath(pause));
        try {
            AtomicFiles.write(file, render(pause));
        } catch (IOException e) {
            throw KleiberException.failed(file + ": cannot write the budget alert: " + e.getMessage(), e);
        }
    }

    static String render(BudgetPause pause) {
        String limit = Usd.cents(pause.limitUsd());
        String continueWith = pause.continueCommands();
        return "# Blocked: budget-" + pause.day() + "\n"
                + "Agent: conductor\n"
                + "Blocked Since: " + pause.since().truncatedTo(ChronoUnit.SECONDS) + "\n"
                + "Type: technical\n"
                + "\n"
                + "## Problem\n"
                + capitalised(pause.describeLimit()) + " would be passed. Limit: " + limit + ". Spent: "
                + Usd.fine(pause.spentUsd()) + ", reserved by calls in flight: " + Usd.fine(pause.reservedUsd())
                + ". The next call (task " + pause.taskId() + " of run " + pause.runId() + ") needs up to "
                + Usd.fine(pause.requestedUsd()) + ". The call was not made and the work is paused.\n"
                + "\n"
                + "## Attempted Solutions\n"
                + "1. Reserved the call's worst-case cost before making it; the reservation was refused because "
                + "spent plus reserved plus this call would pass " + limit + ".\n"
                + "2. Let calls already in flight finish and settle to their real cost; no new call starts until "
                + "a person decides.\n"
                + "\n"
                + "## Need From Conductor\n"
                + "Decide whether to spend more. Run '" + continueWith + "' to continue (recorded with who and when), "
                + "or leave the work paused. 'kleiber budget' shows the limit, spend and reservations.\n";
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
