package dev.kleiber.ledger;

/** How an LLM call ended. Usage of a broken or cancelled call is billed all the same. */
public enum CallOutcome {
    OK, ERROR, CANCELLED
}
