package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * What one model charges, in USD per million tokens of each kind.
 *
 * @param longContext the dearer prices of a model that bills a whole request at other rates once its prompt
 *                    passes a size (Claude Haiku 5.5: five times the price above 100,000 input tokens)
 */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                         BigDecimal cacheRead, Optional<LongContext> longContext) {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** Prices for a request whose prompt (input, cache writes and cache reads together) passes {@code aboveInputTokens}. */
    public record LongContext(long aboveInputTokens, ModelPrice price) {
        public LongContext {
            if (aboveInputTokens < 1) {
                throw new IllegalArgumentException("a long-context threshold must be positive");
            }
            if (price.longContext().isPresent()) {
                throw new IllegalArgumentException("long-context prices cannot have long-context prices of their own");
            }
        }
    }

    public ModelPrice {
        Objects.requireNonNull(longContext, "longContext");
    }

    /** A flat price: the same rates whatever the prompt's size. */
    public ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                      BigDecimal cacheRead) {
        this(input, output, cacheWrite5m, cacheWrite1h, cacheRead, Optional.empty());
    }

    /** Cache prices derived from the input price by Anthropic's multipliers: 1.25x, 2x and 0.1x. */
    public static ModelPrice of(BigDecimal input, BigDecimal output) {
        return new ModelPrice(input, output, input.multiply(new BigDecimal("1.25")), input.multiply(BigDecimal.TWO),
                input.multiply(new BigDecimal("0.1")));
    }

    public ModelPrice withLongContext(LongContext prices) {
        return new ModelPrice(input, output, cacheWrite5m, cacheWrite1h, cacheRead, Optional.of(prices));
    }

    /** The exact cost of {@code usage} at these prices (the long-context rates when its prompt passes their threshold). */
    public BigDecimal cost(TokenUsage usage) {
        ModelPrice rates = ratesFor(usage.totalInput());
        return perToken(rates.input, usage.input())
                .add(perToken(rates.output, usage.output()))
                .add(perToken(rates.cacheWrite5m, usage.cacheWrite5m()))
                .add(perToken(rates.cacheWrite1h, usage.cacheWrite1h()))
                .add(perToken(rates.cacheRead, usage.cacheRead()));
    }

    /** The most a call can cost: every input token at the input price, every possible output token at the output price. */
    public BigDecimal worstCase(long maxInputTokens, long maxOutputTokens) {
        ModelPrice rates = ratesFor(maxInputTokens);
        return perToken(rates.input, maxInputTokens).add(perToken(rates.output, maxOutputTokens));
    }

    /**
     * These prices without long-context rates: for figures summed over many requests (a session's estimate),
     * where the threshold, which applies per request, cannot be judged from the total.
     */
    public ModelPrice perRequestBase() {
        return new ModelPrice(input, output, cacheWrite5m, cacheWrite1h, cacheRead);
    }

    private ModelPrice ratesFor(long promptTokens) {
        return longContext.filter(l -> promptTokens > l.aboveInputTokens()).map(LongContext::price).orElse(this);
    }

    private static BigDecimal perToken(BigDecimal perMillion, long tokens) {
        return perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION);
    }
}
