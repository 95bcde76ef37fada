package dev.kleiber.cli;

import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.ledger.ModelPrice;
import dev.kleiber.ledger.BlockedBudgetFile;
import dev.kleiber.ledger.BudgetAlert;
import dev.kleiber.ledger.BudgetWebhook;
import dev.kleiber.ledger.Usd;
import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.StoreUrl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the store and ledger commands need to know of the project: where the store is, the prices, the tier
 * models and the budget, as {@code .kleiber/kleiber.yaml} sets them (its defaults when there is none).
 */
record LedgerSettings(Path repositoryRoot, StoreUrl store, PriceTable prices, TierModels models, BudgetLimits limits) {

    /** The environment variable that names the store when no {@code --store} does: how a container gets it from a secret. */
    static final String STORE_VARIABLE = "KLEIBER_STORE";

    /**
     * The settings of the repository around {@code context}'s working directory; {@code --store} wins when given,
     * then {@code $KLEIBER_STORE}, then kleiber.yaml's {@code store:}.
     */
    static LedgerSettings of(CliContext context, Optional<String> storeOption) {
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        return of(layout, ProjectConfig.loadSettings(layout), storeOption(context, storeOption));
    }

    /** {@code option} when given, else {@code $KLEIBER_STORE} when set. */
    static Optional<String> storeOption(CliContext context, Optional<String> option) {
        return option.or(() -> context.env(STORE_VARIABLE));
    }

    static LedgerSettings of(ProjectLayout layout, KleiberConfig config, Optional<String> storeOption) {
        Path root = layout.root();
        StoreUrl store = storeOption.map(s -> StoreUrl.parse(s, root, "--store or $" + STORE_VARIABLE)).orElseGet(() -> switch (config.store()) {
            case KleiberConfig.Store.Sqlite ignored -> StoreUrl.defaultFor(root);
            case KleiberConfig.Store.Postgresql pg -> StoreUrl.parse(pg.url(), root,
                    layout.display(layout.configFile()) + " 'store'");
        });
        Map<String, ModelPrice> overrides = new LinkedHashMap<>();
        config.prices().forEach((model, p) -> overrides.put(model,
                new ModelPrice(p.input(), p.output(), p.cacheWrite5m(), p.cacheWrite1h(), p.cacheRead())));
        KleiberConfig.Budget budget = config.budget();
        PriceTable prices = PriceTable.shipped().withOverrides(overrides);
        return new LedgerSettings(root, store, prices, ModelChoices.offline(layout, config, prices), new BudgetLimits(budget.dailyUsd(), budget.timeZone(),
                budget.perRunUsd(), budget.perTaskUsd(), budget.webhook()));
    }

    /** The price of the Opus tier's model: what every call would have cost all on Opus, the metrics' comparison. */
    ModelPrice opusPrice() {
        return prices.priceOf(models.modelFor(Tier.OPUS));
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
}
