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
public record PriceTable(Map<String, ModelPrice> models, BigDecimal batchDiscount) {
    /** The Message Batches API bills half the list price. */
    public static final BigDecimal BATCH_DISCOUNT = new BigDecimal("0.5");

    private static final Pattern SNAPSHOT = Pattern.compile("-\\d{8}$");
    private static final Set<String> PRICE_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read");
    private static final String RESOURCE = "prices.yaml";

    public PriceTable {
        models = Map.copyOf(models);
    }

    /** The list prices shipped with Kleiber. */
    public static PriceTable shipped() {
        try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the price list " + RESOURCE + " is missing from the build");
            }
            YamlNode.Mapping root = new SafeYaml().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "dev/kleiber/ledger/" + RESOURCE).asMapping("prices");
            root.allowOnly(Set.of("batch_discount", "models"));
            return new PriceTable(parseModels(root.require("models").asMapping("models")),
                    root.decimal("batch_discount").orElse(BATCH_DISCOUNT));
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
            YamlNode.Mapping fields = node.asMapping(id).allowOnly(PRICE_KEYS);
            BigDecimal input = nonNegative(fields, "input", fields.require("input").asDecimal(id + ".input"));
            BigDecimal output = nonNegative(fields, "output", fields.require("output").asDecimal(id + ".output"));
            ModelPrice derived = ModelPrice.of(input, output);
            out.put(id, new ModelPrice(input, output,
                    nonNegative(fields, "cache_write_5m", fields.decimal("cache_write_5m").orElse(derived.cacheWrite5m())),
                    nonNegative(fields, "cache_write_1h", fields.decimal("cache_write_1h").orElse(derived.cacheWrite1h())),
                    nonNegative(fields, "cache_read", fields.decimal("cache_read").orElse(derived.cacheRead()))));
        });
        return out;
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
        return new PriceTable(merged, batchDiscount);
    }

    public PriceTable withBatchDiscount(BigDecimal discount) {
        return new PriceTable(models, discount);
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
