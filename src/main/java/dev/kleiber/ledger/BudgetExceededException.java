package dev.kleiber.ledger;

import dev.kleiber.KleiberException;

import java.math.BigDecimal;

/** A call was not made because its reservation would pass a spending limit. */
public final class BudgetExceededException extends KleiberException {
    private final String limitName;
    private final BigDecimal limitUsd;
    private final BigDecimal committedUsd;
    private final BigDecimal requestedUsd;

    public BudgetExceededException(String limitName, BigDecimal limitUsd, BigDecimal committedUsd, BigDecimal requestedUsd) {
        super("%s budget of $%s would be passed: $%s spent or reserved, this call needs up to $%s. "
                .formatted(limitName, limitUsd.toPlainString(), committedUsd.toPlainString(), requestedUsd.toPlainString())
                + "Continue with 'kleiber budget raise --to USD' or 'kleiber budget approve --extra USD'.", FAILED);
        this.limitName = limitName;
        this.limitUsd = limitUsd;
        this.committedUsd = committedUsd;
        this.requestedUsd = requestedUsd;
    }

    public String limitName() { return limitName; }
    public BigDecimal limitUsd() { return limitUsd; }
    public BigDecimal committedUsd() { return committedUsd; }
    public BigDecimal requestedUsd() { return requestedUsd; }
}
