package dev.kleiber.ledger;

import java.math.BigDecimal;

/** What one model charges, in USD per million tokens of each kind. */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                         BigDecimal cacheRead) {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** Cache prices derived from the input price by Anthropic's multipliers: 1.25x, 2x and 0.1x. */
    public static ModelPrice of(BigDecimal input, BigDecimal output) {
        return new ModelPrice(input, output, input.multiply(new BigDecimal("1.25")), input.multiply(BigDecimal.TWO),
                input.multiply(new BigDecimal("0.1")));
    }

    /** The exact cost of {@code usage} at these prices. */
    public BigDecimal cost(TokenUsage usage) {
        return perToken(input, usage.input())
                .add(perToken(output, usage.output()))
                .add(perToken(cacheWrite5m, usage.cacheWrite5m()))
                .add(perToken(cacheWrite1h, usage.cacheWrite1h()))
                .add(perToken(cacheRead, usage.cacheRead()));
    }

    /** The most a call can cost: every input token at the input price, every possible output token at the output price. */
    public BigDecimal worstCase(long maxInputTokens, long maxOutputTokens) {
        return perToken(input, maxInputTokens).add(perToken(output, maxOutputTokens));
    }

    private static BigDecimal perToken(BigDecimal perMillion, long tokens) {
        return perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION);
    }
}
