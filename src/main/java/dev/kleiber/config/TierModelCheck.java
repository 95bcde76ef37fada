package dev.kleiber.config;

import dev.kleiber.ledger.ModelIds;
import dev.kleiber.ledger.ModelPrice;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.YamlNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses, when kleiber.yaml is read, a tier model that no run could use: one Anthropic has retired, or one
 * with no known price (every call is priced before it is made). Saying so at {@code kleiber config} time beats
 * finding out after other tasks have merged. {@code latest} is checked when it is resolved against the API.
 */
final class TierModelCheck {
    private TierModelCheck() {
    }

    static void check(KleiberConfig config, Optional<YamlNode.Mapping> modelsNode, String source) {
        Map<String, ModelPrice> overrides = new LinkedHashMap<>();
        config.prices().forEach((id, p) -> overrides.put(id,
                new ModelPrice(p.input(), p.output(), p.cacheWrite5m(), p.cacheWrite1h(), p.cacheRead())));
        PriceTable prices = PriceTable.shipped().withOverrides(overrides);
        for (Tier tier : Tier.values()) {
            String id = config.modelFor(tier);
            if (ModelIds.LATEST.equals(id)) {
                continue;
            }
            String where = "'models." + tier.id() + "'";
            String current = TierModels.DEFAULTS.modelFor(tier);
            Optional<String> problem = prices.retirement(id)
                    .map(when -> where + " is " + id + ", which Anthropic has retired (" + when + "): every call to it"
                            + " fails. Pick a current model: `kleiber models` lists those your key can use (for example "
                            + tier.id() + ": " + current + ", or " + tier.id() + ": latest)")
                    .or(() -> prices.find(id).isPresent() ? Optional.empty() : Optional.of(where + " is " + id
                            + ", which has no known price, so Kleiber would refuse every call to it. Pick a priced"
                            + " model (`kleiber models` shows prices; for example " + tier.id() + ": " + current
                            + "), or add its list price in USD per million tokens under 'prices:':\n  prices:\n    " + id
                            + ": {input: 2, output: 10}   # cache prices default to 1.25x, 2x and 0.1x the input"));
            if (problem.isPresent()) {
                throw modelsNode.flatMap(m -> m.get(tier.id())).map(node -> node.error(problem.get()))
                        .orElseGet(() -> dev.kleiber.KleiberException.badInput(source + ": " + problem.get()));
            }
        }
    }
}
