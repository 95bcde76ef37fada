package dev.kleiber.cli;

import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.ledger.ModelIds;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.llm.LatestModels;
import dev.kleiber.llm.ModelOrigin;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import dev.kleiber.yaml.YamlNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Which model each tier calls and where that was chosen: the project's kleiber.yaml, Kleiber's defaults, or
 * {@code latest} resolved against the API (cached for the day in {@code .kleiber/models-latest.json}).
 */
final class ModelChoices {
    private ModelChoices() {
    }

    static LatestModels latest(ProjectLayout layout, Clock clock) {
        return new LatestModels(layout.kleiberDir().resolve(LatestModels.CACHE_FILE), clock);
    }

    /** Where each tier's model was chosen, as the message that stops a task on an unusable model names it. */
    static ModelOrigin origin(ProjectLayout layout, KleiberConfig configured, TierModels resolved) {
        String file = layout.display(layout.configFile());
        Map<String, YamlNode> models = modelsInFile(layout);
        return tier -> {
            if (ModelIds.LATEST.equals(configured.modelFor(tier))) {
                return file + " ('models." + tier.id() + ": latest', the newest " + tier.id() + " model the API lists: "
                        + resolved.modelFor(tier) + " today, cached in " + layout.display(
                        layout.kleiberDir().resolve(LatestModels.CACHE_FILE)) + ")";
            }
            return models.containsKey(tier.id())
                    ? file + " line " + models.get(tier.id()).line() + " ('models." + tier.id() + "')"
                    : "Kleiber's default for " + tier.id() + " (" + file + " does not set 'models." + tier.id() + "')";
        };
    }

    /** The tier models with {@code latest} resolved from today's cache or the price list, without the API. */
    static TierModels offline(ProjectLayout layout, KleiberConfig config, PriceTable prices) {
        return latest(layout, Clock.systemUTC()).offline(new TierModels(config.models()), prices);
    }

    private static Map<String, YamlNode> modelsInFile(ProjectLayout layout) {
        try {
            if (!Files.isRegularFile(layout.configFile())) {
                return Map.of();
            }
            YamlNode root = new SafeYaml().parse(Files.readString(layout.configFile(), StandardCharsets.UTF_8),
                    layout.display(layout.configFile()));
            Optional<YamlNode.Mapping> models = root.asMapping("kleiber.yaml").mapping("models");
            return models.map(YamlNode.Mapping::entries).orElse(Map.of());
        } catch (IOException | RuntimeException unreadable) {
            // the file was read and checked when the settings were loaded; this only names lines
            return Map.of();
        }
    }

    static Tier[] tiers() {
        return new Tier[] {Tier.OPUS, Tier.SONNET, Tier.HAIKU};
    }
}
