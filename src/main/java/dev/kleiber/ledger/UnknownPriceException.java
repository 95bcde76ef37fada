package dev.kleiber.ledger;

import dev.kleiber.KleiberException;

/** A call on a model with no known price: refused, because its cost could not be bounded. */
public final class UnknownPriceException extends KleiberException {
    public UnknownPriceException(String modelId) {
        super("no price is known for model '" + modelId + "', so Kleiber will not call it (every call must be "
                + "priced before it is made). Add its list price in USD per million tokens to .kleiber/kleiber.yaml:\n"
                + "  prices:\n"
                + "    " + modelId + ": {input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.30}\n"
                + "(the cache keys may be left out: they default to 1.25x, 2x and 0.1x the input price)", BAD_INPUT);
    }
}
