package dev.kleiber.llm;

import dev.kleiber.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.ledger.ModelIds;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.routing.Tier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Resolves a tier set to {@code latest} to the newest model of that family the API lists, once a day: the answer
 * is kept in a small file ({@code .kleiber/models-latest.json}) with the UTC day it was asked on, so a run asks
 * the API at most once a day and every call of the day uses the same concrete id (the one the ledger records).
 */
public final class LatestModels {
    public static final String CACHE_FILE = "models-latest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Newest first: by the date the API gives, then by the version the id names. */
    static final Comparator<ModelCatalog.Listed> NEWEST_FIRST = Comparator
            .comparing(ModelCatalog.Listed::createdAt).reversed()
            .thenComparing(ModelCatalog.Listed::id, ModelIds.NEWEST_FIRST);

    private final Path cacheFile;
    private final Clock clock;

    public LatestModels(Path cacheFile, Clock clock) {
        this.cacheFile = cacheFile;
        this.clock = clock;
    }

    /** The family's newest listed model that is not retired, if the list has one. */
    public static Optional<String> newest(List<ModelCatalog.Listed> listed, Tier family) {
        return listed.stream()
                .filter(m -> ModelIds.family(m.id()).equals(Optional.of(family)))
                .filter(m -> !m.lifecycle().map("retired"::equalsIgnoreCase).orElse(false))
                .sorted(NEWEST_FIRST).map(ModelCatalog.Listed::id).findFirst();
    }

    /** Today's resolution, when one was made today (UTC). */
    public Optional<Map<Tier, String>> cachedToday() {
        if (!Files.isRegularFile(cacheFile)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(Files.readString(cacheFile, StandardCharsets.UTF_8));
            if (!today().toString().equals(node.path("day").asText())) {
                return Optional.empty();
            }
            Map<Tier, String> models = new EnumMap<>(Tier.class);
            for (Tier tier : Tier.values()) {
                JsonNode id = node.path("models").path(tier.id());
                if (id.isTextual() && !id.asText().isBlank()) {
                    models.put(tier, id.asText());
                }
            }
            return Optional.of(models);
        } catch (IOException | RuntimeException unreadable) {
            // a damaged cache is asked again, not trusted
            return Optional.empty();
        }
    }

    /**
     * {@code configured} with every {@code latest} tier replaced by the newest model of its family: from today's
     * cache, else from {@code catalog} (which is then cached). A tier whose newest model has no known price is
     * refused, with the fix.
     */
    public TierModels resolve(TierModels configured, Supplier<List<ModelCatalog.Listed>> catalog, PriceTable prices) {
        if (java.util.Arrays.stream(Tier.values()).noneMatch(configured::isLatest)) {
            return configured;
        }
        Map<Tier, String> cached = cachedToday().orElse(Map.of());
        boolean covered = java.util.Arrays.stream(Tier.values())
                .allMatch(tier -> !configured.isLatest(tier) || cached.containsKey(tier));
        Map<Tier, String> resolved = new EnumMap<>(Tier.class);
        if (covered) {
            resolved.putAll(cached);
        } else {
            List<ModelCatalog.Listed> listed = catalog.get();
            for (Tier tier : Tier.values()) {
                newest(listed, tier).ifPresent(id -> resolved.put(tier, id));
            }
            write(resolved);
        }
        return configured.resolved(tier -> {
            String id = Optional.ofNullable(resolved.get(tier)).orElseThrow(() -> KleiberException.badInput(
                    "'models." + tier.id() + ": latest' in .kleiber/kleiber.yaml: the API lists no " + tier.id()
                            + " model for this key. Set 'models." + tier.id() + "' to a model id; `kleiber models` lists"
                            + " those the key can use."));
            if (prices.find(id).isEmpty()) {
                throw KleiberException.badInput("'models." + tier.id() + ": latest' in .kleiber/kleiber.yaml is " + id
                        + " today, and no price is known for it, so Kleiber would refuse every call to it. Add its list"
                        + " price under 'prices:' (e.g. " + id + ": {input: 2, output: 10}), or set 'models." + tier.id()
                        + "' to a priced model (`kleiber models` shows prices).");
            }
            return id;
        });
    }

    /**
     * {@code configured} resolved without asking the API, for figures that need a price (estimates, cost
     * reports): today's cache, else the newest model of the family the price list knows.
     */
    public TierModels offline(TierModels configured, PriceTable prices) {
        Map<Tier, String> cached = cachedToday().orElse(Map.of());
        return configured.resolved(tier -> Optional.ofNullable(cached.get(tier)).or(() -> prices.newestOf(tier))
                .orElse(TierModels.DEFAULTS.modelFor(tier)));
    }

    private void write(Map<Tier, String> resolved) {
        ObjectNode root = JSON.createObjectNode().put("day", today().toString());
        ObjectNode models = root.putObject("models");
        resolved.forEach((tier, id) -> models.put(tier.id(), id));
        try {
            AtomicFiles.write(cacheFile, root.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + cacheFile + ": " + e.getMessage(), e);
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
