package dev.kleiber.config;

import dev.kleiber.yaml.YamlNode;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The ranges the numbers of {@code kleiber.yaml} must fall in, checked when the file is read: a value that parses
 * but makes no sense ({@code daily_usd: 1e400}, a price of a billion dollars, a timeout of a century) is refused
 * there, naming the line and the field, instead of breaking a sum, a conversion or a loop hours later. Pure.
 */
final class ConfigRanges {
    /**
     * The largest budget limit, in USD. The ledger keeps amounts as picodollars in 64-bit integers (at most about
     * $9.2 million in one sum), so a limit must stay well below that.
     */
    public static final BigDecimal MAX_LIMIT_USD = new BigDecimal("1000000");
    /** The largest price per million tokens, in USD: a hundred times the dearest model Anthropic ever listed. */
    public static final BigDecimal MAX_PRICE_USD = new BigDecimal("10000");
    /** The longest a validate command may run. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    /** Amounts are kept to the micro-dollar; more decimals are a typo or an exponent. */
    private static final int MAX_DECIMALS = 6;

    private ConfigRanges() {
    }

    /** A spending limit: more than $0, at most {@link #MAX_LIMIT_USD}, at most six decimals. */
    static BigDecimal limitUsd(YamlNode node, String field) {
        BigDecimal value = node.asDecimal(field);
        if (value.signum() <= 0) {
            throw node.error("'" + field + "' must be a positive amount of USD; found " + shown(value));
        }
        return bounded(node, field, value, MAX_LIMIT_USD, "USD");
    }

    /** A price in USD per million tokens: $0 or more, at most {@link #MAX_PRICE_USD}, at most six decimals. */
    static BigDecimal priceUsd(YamlNode node, String field) {
        BigDecimal value = node.asDecimal(field);
        if (value.signum() < 0) {
            throw node.error("'" + field + "' cannot be negative; found " + shown(value));
        }
        return bounded(node, field, value, MAX_PRICE_USD, "USD per million tokens");
    }

    /** A duration parsed from {@code text}: at most {@code max}. */
    static Duration atMost(YamlNode node, String field, Duration value, Duration max, String text) {
        if (value.compareTo(max) > 0) {
            throw node.error("'" + field + "' must be at most " + max.toHours() + "h; found '" + text + "'");
        }
        return value;
    }

    private static BigDecimal bounded(YamlNode node, String field, BigDecimal value, BigDecimal max, String unit) {
        if (value.compareTo(max) > 0) {
            throw node.error("'" + field + "' must be at most " + max.toPlainString() + " " + unit + "; found "
                    + shown(value));
        }
        if (value.stripTrailingZeros().scale() > MAX_DECIMALS) {
            throw node.error("'" + field + "' must have at most " + MAX_DECIMALS + " decimals; found " + shown(value));
        }
        return value;
    }

    /** The value as written when it is short, else in scientific notation: 1e400 must not print 401 digits. */
    private static String shown(BigDecimal value) {
        String plain = value.toPlainString();
        return plain.length() <= 24 ? plain : value.toString();
    }
}
