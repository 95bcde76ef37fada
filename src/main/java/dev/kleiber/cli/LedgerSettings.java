package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.ledger.BlockedBudgetFile;
import dev.kleiber.ledger.BudgetAlert;
import dev.kleiber.ledger.BudgetWebhook;
import dev.kleiber.ledger.Usd;
import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.store.StoreUrl;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the store and ledger commands need to know of the project: where the store is, the prices, the tier
 * models and the budget. The one place their defaults live until {@code .kleiber/kleiber.yaml} is read here.
 */
record LedgerSettings(Path repositoryRoot, StoreUrl store, PriceTable prices, TierModels models, BudgetLimits limits) {

    /** The settings of the repository around {@code context}'s working directory; {@code --store} wins when given. */
    static LedgerSettings of(CliContext context, Optional<String> storeOption) {
        Path root = repositoryRoot(context.workingDir());
        StoreUrl store = storeOption.map(s -> StoreUrl.parse(s, root, "--store")).orElse(StoreUrl.defaultFor(root));
        return new LedgerSettings(root, store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS);
    }

    /**
     * Who hears of a budget pause: the blocked file for the conductor, the person at the terminal ({@code err}),
     * and the webhook when one is configured. A failing alert is reported on {@code err}; the pause stands.
     */
    BudgetAlert alerts(PrintWriter err) {
        List<BudgetAlert> alerts = new ArrayList<>();
        alerts.add(new BlockedBudgetFile(repositoryRoot));
        alerts.add(pause -> {
            err.println("kleiber: PAUSED for budget: " + pause.describeLimit() + " (" + Usd.cents(pause.limitUsd())
                    + ") would be passed; spent " + Usd.fine(pause.spentUsd()) + ", reserved "
                    + Usd.fine(pause.reservedUsd()) + ", next call needs up to " + Usd.fine(pause.requestedUsd()) + ".");
            err.println("kleiber: see " + BlockedBudgetFile.relativePath(pause) + "; continue with '"
                    + pause.continueCommands() + "'");
            err.flush();
        });
        limits.webhook().ifPresent(url -> alerts.add(BudgetWebhook.to(url)));
        return BudgetAlert.all(alerts, problem -> err.println("kleiber: " + problem));
    }

    /** The nearest folder at or above {@code dir} that holds {@code .git} (a folder, or a file in a worktree). */
    static Path repositoryRoot(Path dir) {
        for (Path at = dir.toAbsolutePath().normalize(); at != null; at = at.getParent()) {
            if (Files.exists(at.resolve(".git"))) {
                return at;
            }
        }
        throw KleiberException.badInput(dir + " is not inside a git repository (no .git here or above); "
                + "run kleiber in your project's repository");
    }
}
