package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a task will probably cost before it runs, as a range, beside what the same work would cost if every
 * task ran on Opus. Pure: token assumptions per kind of work times the prices of the configured models.
 *
 * <p>The kind of work is the tier the router chose: the router puts boilerplate on Haiku, features on Sonnet
 * and deep reasoning on Opus, so the tier says how big the session will probably be. The all-Opus figure
 * keeps the same tokens and changes only the price: the same work, on the dearest model.
 */
public final class CostEstimator {

    /** The tokens one task's agent sessions use in all, at the low and the high end. */
    public record TokenRange(long inputLow, long inputHigh, long outputLow, long outputHigh) {
        public TokenRange {
            if (inputLow < 0 || outputLow < 0 || inputHigh < inputLow || outputHigh < outputLow) {
                throw new IllegalArgumentException("a token range needs 0 <= low <= high");
            }
        }
    }

    /** An amount in USD between {@code low} and {@code high}. */
    public record Range(BigDecimal low, BigDecimal high) {
        public static final Range ZERO = new Range(BigDecimal.ZERO, BigDecimal.ZERO);

        public Range plus(Range other) {
            return new Range(low.add(other.low), high.add(other.high));
        }

        /** "$0.165–$2.10", as the commands print it. */
        public String text() {
            return Usd.fine(low) + "–" + Usd.fine(high);
        }
    }

    /**
     * A task's estimate: its tier and that tier's model, its cost range, the range on Opus, and the tokenizer
     * generation the tier's model counts with (its tokens are scaled to it).
     */
    public record Estimate(Tier tier, String model, Range cost, Range allOpus, Tokenizer tokenizer) {
    }

    /**
     * The assumptions, per kind of work. An agent session is a tool loop: every turn sends the system prompt, the
     * tools and the conversation so far again, so input tokens grow with the number of turns, and output is the
     * files written plus the reasoning between tool calls.
     * <ul>
     * <li>The low end is a short, single-pass session. For Sonnet it is the blueprint's own logged example
     * (engineer-backend, 15,000 in / 8,000 out, $0.165); Haiku's mechanical work is smaller, Opus's design
     * work reads more before it writes.</li>
     * <li>The high end is a long tool loop (Haiku ~10 turns, Sonnet ~25, Opus ~40, the conversation growing to
     * 10k, 20k and 25k tokens) that also needs the one retry after validation feedback the cascade allows.</li>
     * </ul>
     * The sizes were measured with the Claude 4.6-and-earlier tokenizer; for a model on a newer one they are scaled
     * by {@link Tokenizer#scale}.
     * Input is priced at the list input price although prompt caching makes much of it cheaper: the estimate
     * leans high on purpose, so that a budget set from it is not surprised. Escalation to a higher tier mid-task
     * is not included; the ledger shows what it actually cost.
     */
    public static final Map<Tier, TokenRange> TYPICAL = Map.of(
            Tier.HAIKU, new TokenRange(5_000, 100_000, 2_000, 10_000),
            Tier.SONNET, new TokenRange(15_000, 500_000, 8_000, 40_000),
            Tier.OPUS, new TokenRange(30_000, 1_000_000, 10_000, 80_000));

    private final PriceTable prices;
    private final TierModels models;
    private final Map<Tier, TokenRange> tokens;

    public CostEstimator(PriceTable prices, TierModels models) {
        this(prices, models, TYPICAL);
    }

    /** @throws UnknownPriceException when a tier's configured model has no price */
    public CostEstimator(PriceTable prices, TierModels models, Map<Tier, TokenRange> tokens) {
        this.prices = prices;
        this.models = models;
        EnumMap<Tier, TokenRange> copy = new EnumMap<>(Tier.class);
        copy.putAll(tokens);
        for (Tier tier : Tier.values()) {
            if (!copy.containsKey(tier)) {
                throw new IllegalArgumentException("no token range for tier " + tier.id());
            }
            prices.priceOf(models.modelFor(tier));
        }
        this.tokens = Map.copyOf(copy);
    }

    /** The estimate for a task the router put on {@code tier}. */
    public Estimate estimate(Tier tier) {
        TokenRange work = tokens.get(tier);
        return new Estimate(tier, models.modelFor(tier), cost(work, tier), cost(work, Tier.OPUS),
                Tokenizer.of(models.modelFor(tier)));
    }

    /**
     * The tokenizer generations the configured models count with, each with its models (Opus, Sonnet, Haiku order),
     * for saying what an estimate assumes.
     */
    public Map<Tokenizer, java.util.List<String>> tokenizers() {
        Map<Tokenizer, java.util.List<String>> used = new java.util.EnumMap<>(Tokenizer.class);
        for (Tier tier : new Tier[] {Tier.OPUS, Tier.SONNET, Tier.HAIKU}) {
            String model = models.modelFor(tier);
            java.util.List<String> of = used.computeIfAbsent(Tokenizer.of(model), t -> new java.util.ArrayList<>());
            if (!of.contains(model)) {
                of.add(model);
            }
        }
        used.replaceAll((tokenizer, ids) -> java.util.List.copyOf(ids));
        return java.util.Collections.unmodifiableMap(used);
    }

    private Range cost(TokenRange work, Tier tier) {
        String model = models.modelFor(tier);
        // the session's requests each stay below a long-context threshold (Haiku's conversation grows to ~10k)
        ModelPrice price = prices.priceOf(model).perRequestBase();
        Tokenizer tokenizer = Tokenizer.of(model);
        return new Range(price.cost(TokenUsage.of(tokenizer.scale(work.inputLow()), tokenizer.scale(work.outputLow()))),
                price.cost(TokenUsage.of(tokenizer.scale(work.inputHigh()), tokenizer.scale(work.outputHigh()))));
    }
}
