package dev.kleiber.ledger;

import dev.kleiber.KleiberException;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * US dollars as exact decimals. The store keeps integer picodollars (10^-12 USD); conversion rounds up, so a
 * stored cost or reservation is never less than the exact one.
 */
public final class Usd {
    private static final int PICO_SCALE = 12;
    /**
     * The largest limit or amount a person may set. Sums of picodollars must fit a 64-bit integer (about
     * $9.2 million); kleiber.yaml's budget keys have the same bound (config.ConfigRanges).
     */
    public static final BigDecimal MAX_AMOUNT_USD = new BigDecimal("1000000");

    private Usd() {
    }

    public static long toPico(BigDecimal usd) {
        return usd.setScale(PICO_SCALE, RoundingMode.CEILING).unscaledValue().longValueExact();
    }

    public static BigDecimal fromPico(long pico) {
        BigDecimal usd = BigDecimal.valueOf(pico, PICO_SCALE).stripTrailingZeros();
        return usd.scale() < 0 ? usd.setScale(0, RoundingMode.UNNECESSARY) : usd;
    }

    /** {@code $4.50}: cents, for summaries and limits. */
    public static String cents(BigDecimal usd) {
        return "$" + usd.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code $0.165}, {@code $1.20}, {@code $0.0038}: up to four decimals, at least two, for per-session costs. */
    public static String fine(BigDecimal usd) {
        return "$" + fineAmount(usd).toPlainString();
    }

    /** The amount {@link #fine} prints, for messages that format it themselves: one rounding everywhere. */
    public static BigDecimal fineAmount(BigDecimal usd) {
        BigDecimal rounded = usd.setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.scale() < 2 ? rounded.setScale(2, RoundingMode.UNNECESSARY) : rounded;
    }

    /** A positive amount the user typed ({@code 80}, {@code 80.5}, {@code $80}); {@code what} names it in messages. */
    public static BigDecimal parsePositive(String text, String what) {
        String value = text.strip().replaceFirst("^\\$", "").replace("_", "");
        BigDecimal amount;
        try {
            amount = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw KleiberException.badInput(what + " must be an amount in US dollars such as 80 or 12.50; found '"
                    + text + "'");
        }
        if (amount.signum() <= 0) {
            throw KleiberException.badInput(what + " must be more than $0; found '" + text + "'");
        }
        if (amount.compareTo(MAX_AMOUNT_USD) > 0) {
            throw KleiberException.badInput(what + " must be at most $" + MAX_AMOUNT_USD.toPlainString() + "; found '"
                    + text + "'");
        }
        if (amount.stripTrailingZeros().scale() > 6) {
            throw KleiberException.badInput(what + " has more than six decimals; found '" + text + "'");
        }
        return amount;
    }
}
