package dev.kleiber.ledger;

import dev.kleiber.KleiberException;
import dev.kleiber.yaml.SafeYaml;
import dev.kleiber.yaml.YamlNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Prices per model id, and the batch discount. An id the API answers with is priced by exact match, then by the
 * id without its {@code -YYYYMMDD} snapshot suffix; anything else has no price and is refused.
 */
public record PriceTable(Map<String, ModelPrice> models, BigDecimal batchDiscount, Map<String, String> retired) {
    /** The Message Batches API bills half the list price. */
    public static final BigDecimal BATCH_DISCOUNT = new BigDecimal("0.5");

    private static final Pattern SNAPSHOT = Pattern.compile("-\\d{8}$");
    private static final Set<String> PRICE_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read");
    private static final Set<String> MODEL_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read",
            "long_context");
    private static final Set<String> LONG_CONTEXT_KEYS = Set.of("above_input_tokens", "input", "output", "cache_write_5m",
            "cache_write_1h", "cache_read");
    private static final String RESOURCE = "prices.yaml";

    public PriceTable {
        models = Map.copyOf(models);
        retired = Map.copyOf(retired);
    }

    /** A table that knows of no retired model. */
    public PriceTable(Map<String, ModelPrice> models, BigDecimal batchDiscount) {
        this(models, batchDiscount, Map.of());
    }

    /** The list prices shipped with Kleiber. */
    public static PriceTable shipped() {
        try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the price list " + RESOURCE + " is missing from the build");
            }
            YamlNode.Mapping root = new SafeYaml().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "dev/kleiber/ledger/" + RESOURCE).asMapping("prices");
            root.allowOnly(Set.of("batch_discount", "models", "retired"));
            Map<String, String> retired = new LinkedHashMap<>();
            root.mapping("retired").ifPresent(r -> r.entries().forEach((id, note) -> retired.put(id, note.asText(id))));
            return new PriceTable(parseModels(root.require("models").asMapping("models")),
                    root.decimal("batch_discount").orElse(BATCH_DISCOUNT), retired);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a {@code prices:} mapping of model id to {@code {input, output, cache_write_5m, cache_write_1h,
     * cache_read}} in USD per million tokens; missing cache prices follow the input price by Anthropic's multipliers.
     */
    public static Map<String, ModelPrice> parseModels(YamlNode.Mapping prices) {
        Map<String, ModelPrice> out = new LinkedHashMap<>();
        prices.entries().forEach((id, node) -> {
            YamlNode.Mapping fields = node.asMapping(id).allowOnly(MODEL_KEYS);
            ModelPrice price = flat(id, fields);
            Optional<YamlNode.Mapping> longContext = fields.mapping("long_context");
            if (longContext.isPresent()) {
                YamlNode.Mapping above = longContext.get().allowOnly(LONG_CONTEXT_KEYS);
                long threshold = above.integer("above_input_tokens").orElseThrow(() -> above.error(
                        "'" + id + ".long_context' needs 'above_input_tokens' (a whole number of tokens)"));
                if (threshold < 1) {
                    throw above.require("above_input_tokens").error("'above_input_tokens' must be at least 1");
                }
                price = price.withLongContext(new ModelPrice.LongContext(threshold, flat(id + ".long_context", above)));
            }
            out.put(id, price);
        });
        return out;
    }

    private static ModelPrice flat(String id, YamlNode.Mapping fields) {
        BigDecimal input = nonNegative(fields, "input", fields.require("input").asDecimal(id + ".input"));
        BigDecimal output = nonNegative(fields, "output", fields.require("output").asDecimal(id + ".output"));
        ModelPrice derived = ModelPrice.of(input, output);
        return new ModelPrice(input, output,
                nonNegative(fields, "cache_write_5m", fields.decimal("cache_write_5m").orElse(derived.cacheWrite5m())),
                nonNegative(fields, "cache_write_1h", fields.decimal("cache_write_1h").orElse(derived.cacheWrite1h())),
                nonNegative(fields, "cache_read", fields.decimal("cache_read").orElse(derived.cacheRead())));
    }

    private static BigDecimal nonNegative(YamlNode.Mapping fields, String key, BigDecimal value) {
        if (value.signum() < 0) {
            throw fields.get(key).map(n -> n.error("'" + key + "' cannot be negative; found " + value.toPlainString()))
                    .orElseGet(() -> KleiberException.badInput(key + " cannot be negative"));
        }
        return value;
    }

    /** This table with {@code overrides} added or replacing prices of the same id. */
    public PriceTable withOverrides(Map<String, ModelPrice> overrides) {
        Map<String, ModelPrice> merged = new LinkedHashMap<>(models);
        merged.putAll(overrides);
        Map<String, String> stillRetired = new LinkedHashMap<>(retired);
        overrides.keySet().forEach(stillRetired::remove);
        return new PriceTable(merged, batchDiscount, stillRetired);
    }

    public PriceTable withBatchDiscount(BigDecimal discount) {
        return new PriceTable(models, discount, retired);
    }

    /** Why {@code modelId} cannot be called any more ("retired 2026-04-20"), when Anthropic has retired it. */
    public Optional<String> retirement(String modelId) {
        return Optional.ofNullable(retired.get(modelId)).or(() -> Optional.ofNullable(retired.get(ModelIds.undated(modelId))));
    }

    /** The newest priced model of {@code family}, by the version its id names. */
    public Optional<String> newestOf(dev.kleiber.routing.Tier family) {
        return models.keySet().stream().filter(id -> ModelIds.family(id).equals(Optional.of(family)))
                .sorted(ModelIds.NEWEST_FIRST).findFirst();
    }

    public Optional<ModelPrice> find(String modelId) {
        ModelPrice exact = models.get(modelId);
        if (exact != null) {
            return Optional.of(exact);
        }
        String undated = SNAPSHOT.matcher(modelId).replaceFirst("");
        return undated.equals(modelId) ? Optional.empty() : Optional.ofNullable(models.get(undated));
    }

    /** The price of {@code modelId}, or an {@link UnknownPriceException} saying how to add one. */
    public ModelPrice priceOf(String modelId) {
        return find(modelId).orElseThrow(() -> new UnknownPriceException(modelId));
    }

    /** The cost of a call through the Message Batches API. */
    public BigDecimal batchCost(String modelId, TokenUsage usage) {
        return priceOf(modelId).cost(usage).multiply(BigDecimal.ONE.subtract(batchDiscount));
    }
}
