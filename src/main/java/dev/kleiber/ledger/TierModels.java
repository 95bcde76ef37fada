package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Which Claude model id each tier calls ({@code models:} in kleiber.yaml). */
public record TierModels(Map<Tier, String> models) {
    /** The defaults, chosen so the blueprint's tier prices hold: Opus $15/$75, Sonnet $3/$15, Haiku $0.25/$1.25. */
    public static final TierModels DEFAULTS = new TierModels(Map.of(
            Tier.OPUS, "claude-opus-4-1",
            Tier.SONNET, "claude-sonnet-4-5",
            Tier.HAIKU, "claude-3-haiku-20240307"));

    public TierModels {
        EnumMap<Tier, String> copy = new EnumMap<>(Tier.class);
        copy.putAll(models);
        for (Tier tier : Tier.values()) {
            if (!copy.containsKey(tier)) {
                throw new IllegalArgumentException("no model id for tier " + tier);
            }
        }
        models = Map.copyOf(copy);
    }

    public String modelFor(Tier tier) {
        return models.get(tier);
    }

    /** The tier whose configured model {@code modelId} is (a dated snapshot of it counts). */
    public Optional<Tier> tierOf(String modelId) {
        String undated = modelId.replaceFirst("-\\d{8}$", "");
        return models.entrySet().stream()
                .filter(e -> e.getValue().equals(modelId) || e.getValue().replaceFirst("-\\d{8}$", "").equals(undated))
                .map(Map.Entry::getKey).findFirst();
    }
}
