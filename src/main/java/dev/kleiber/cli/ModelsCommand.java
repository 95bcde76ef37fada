package dev.kleiber.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.ledger.ModelIds;
import dev.kleiber.ledger.ModelPrice;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.ledger.Usd;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.LatestModels;
import dev.kleiber.llm.ModelCatalog;
import dev.kleiber.routing.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "models", description = {
        "List the Claude models your API key can use (GET /v1/models), each with its tier, its list price when",
        "Kleiber knows it, and whether a tier of .kleiber/kleiber.yaml chooses it ('latest' is resolved here too).",
        "Needs ANTHROPIC_API_KEY; exit 1 when the API cannot be reached, 2 when the key is refused."})
final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    /** A tier's choice: what the file says, the concrete id, whether the API lists it and whether it is priced. */
    record TierChoice(Tier tier, String configured, String model, boolean listed, boolean priced) {
        boolean usable() {
            return listed && priced;
        }
    }

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        AnthropicSettings api = AnthropicSettings.fromEnv(context.env());
        Optional<ProjectLayout> layout = ProjectLayout.find(context.workingDir());
        KleiberConfig config = layout.map(ProjectConfig::loadSettings).orElse(KleiberConfig.defaults());
        PriceTable prices = layout.map(l -> LedgerSettings.of(l, config, Optional.empty()).prices())
                .orElse(PriceTable.shipped());
        List<ModelCatalog.Listed> listed;
        try (ModelCatalog catalog = new ModelCatalog(api)) {
            listed = catalog.list();
        }
        TierModels configured = new TierModels(config.models());
        // `latest` from the list just fetched: the same answer a run asking today would get
        TierModels chosen = configured.resolved(tier -> LatestModels.newest(listed, tier).orElse(ModelIds.LATEST));
        List<TierChoice> tiers = new ArrayList<>();
        for (Tier tier : ModelChoices.tiers()) {
            String id = chosen.modelFor(tier);
            tiers.add(new TierChoice(tier, configured.modelFor(tier), id,
                    listed.stream().anyMatch(m -> m.id().equals(id) || ModelIds.undated(m.id()).equals(id)),
                    prices.find(id).isPresent()));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(toJson(listed, tiers, prices)));
        } else {
            print(out, listed, tiers, prices, layout.map(l -> l.display(l.configFile())).orElse("Kleiber's defaults"));
        }
        out.flush();
    }

    private static void print(PrintWriter out, List<ModelCatalog.Listed> listed, List<TierChoice> tiers, PriceTable prices,
                              String settings) {
        out.println("Models your API key can use (GET /v1/models): " + listed.size());
        int width = listed.stream().mapToInt(m -> m.id().length()).max().orElse(10);
        for (ModelCatalog.Listed model : listed) {
            String tier = ModelIds.family(model.id()).map(Tier::id).orElse("-");
            String price = prices.find(model.id()).map(ModelsCommand::priceText).orElse("no known price");
            List<String> chosenBy = tiers.stream().filter(t -> t.model().equals(model.id())
                    || t.model().equals(ModelIds.undated(model.id()))).map(t -> t.tier().id()
                    + (ModelIds.LATEST.equals(t.configured()) ? " (latest)" : "")).toList();
            out.printf("  %-" + width + "s  %-6s  %-22s  %s%s%n", model.id(), tier, price,
                    chosenBy.isEmpty() ? "" : "chosen for " + String.join(", ", chosenBy),
                    model.lifecycle().filter(l -> !l.equalsIgnoreCase("active")).map(l -> "  [" + l + "]").orElse(""));
        }
        out.println("Tiers (" + settings + "):");
        for (TierChoice choice : tiers) {
            String state = !choice.listed() ? "NOT AVAILABLE to this key (retired, misspelt or not enabled): set 'models."
                    + choice.tier().id() + "' to a model listed above"
                    : !choice.priced() ? "NO KNOWN PRICE: Kleiber refuses to call it; add its price under 'prices:'"
                    : "ok";
            out.printf("  %-6s  %s%s  %s%n", choice.tier().id(), choice.model(),
                    ModelIds.LATEST.equals(choice.configured()) ? " (latest)" : "", state);
        }
        out.println("Prices are list prices in USD per million tokens (input/output); cache writes and reads are in"
                + " prices.yaml. Models marked * bill long prompts at a higher rate.");
    }

    private static String priceText(ModelPrice price) {
        return Usd.fine(price.input()) + "/" + Usd.fine(price.output()) + (price.longContext().isPresent() ? "*" : "");
    }

    private static ObjectNode toJson(List<ModelCatalog.Listed> listed, List<TierChoice> tiers, PriceTable prices) {
        ObjectNode root = Json.object();
        ArrayNode models = root.putArray("models");
        for (ModelCatalog.Listed model : listed) {
            ObjectNode node = models.addObject().put("id", model.id()).put("displayName", model.displayName())
                    .put("createdAt", model.createdAt().toString());
            ModelIds.family(model.id()).ifPresentOrElse(t -> node.put("tier", t.id()), () -> node.putNull("tier"));
            model.lifecycle().ifPresentOrElse(l -> node.put("lifecycle", l), () -> node.putNull("lifecycle"));
            prices.find(model.id()).ifPresentOrElse(p -> {
                ObjectNode price = node.putObject("priceUsdPerMTok").put("input", p.input()).put("output", p.output())
                        .put("cacheWrite5m", p.cacheWrite5m()).put("cacheWrite1h", p.cacheWrite1h())
                        .put("cacheRead", p.cacheRead());
                p.longContext().ifPresent(l -> price.putObject("longContext")
                        .put("aboveInputTokens", l.aboveInputTokens()).put("input", l.price().input())
                        .put("output", l.price().output()));
            }, () -> node.putNull("priceUsdPerMTok"));
            ArrayNode chosen = node.putArray("chosenFor");
            tiers.stream().filter(t -> t.model().equals(model.id()) || t.model().equals(ModelIds.undated(model.id())))
                    .forEach(t -> chosen.add(t.tier().id()));
        }
        ObjectNode tierNode = root.putObject("tiers");
        for (TierChoice choice : tiers) {
            tierNode.putObject(choice.tier().id()).put("configured", choice.configured()).put("model", choice.model())
                    .put("listed", choice.listed()).put("priced", choice.priced()).put("usable", choice.usable());
        }
        return root;
    }
}
