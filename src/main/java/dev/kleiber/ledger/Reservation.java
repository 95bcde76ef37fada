package dev.kleiber.ledger;

import java.math.BigDecimal;

/** Money set aside for one call's worst case before the call is made; settled to the real cost afterwards. */
public record Reservation(String id, CallContext context, String modelId, BigDecimal amountUsd) {
}
