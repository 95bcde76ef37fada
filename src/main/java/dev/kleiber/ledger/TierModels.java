package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which Claude model id each tier calls ({@code models:} in kleiber.yaml). A tier may say {@link ModelIds#LATEST}
 * until {@link #resolved} replaces it by a concrete id.
 */
public record TierModels(Map<Tier, String> models) {
    /**
     * The defaults: the current model of each family on 2026-12-06 (Opus 5.5 $4/$20, Sonnet 5.5 $2/$10, Haiku 5.5
     * from $0.10/$0.50), all dateless ids. See prices.yaml for where each price was checked.
     */
    public static final TierModels DEFAULTS = new TierModels(Map.of(
            Tier.OPUS, "claude-opus-5-5",
            Tier.SONNET, "claude-sonnet-5-5",
            Tier.HAIKU, "claude-haiku-5-5"));

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

    public boolean isLatest(Tier tier) {
        return ModelIds.LATEST.equals(models.get(tier));
    }

    /** These models with every {@code latest} tier replaced by {@code resolve}'s concrete id for that family. */
    public TierModels resolved(java.util.function.Function<Tier, String> resolve) {
        EnumMap<Tier, String> concrete = new EnumMap<>(Tier.class);
        models.forEach((tier, id) -> concrete.put(tier, isLatest(tier) ? resolve.apply(tier) : id));
        return new TierModels(concrete);
    }

    /** The tier whose configured model {@code modelId} is (a dated snapshot of it counts). */
    public Optional<Tier> tierOf(String modelId) {
        String undated = modelId.replaceFirst("-\\d{8}$", "");
        return models.entrySet().stream()
                .filter(e -> e.getValue().equals(modelId) || e.getValue().replaceFirst("-\\d{8}$", "").equals(undated))
                .map(Map.Entry::getKey).findFirst();
    }
}
