package dev.kleiber.git;

import dev.kleiber.KleiberException;

/**
 * A merge into a branch is ready but a person's checkout of that branch refuses the fast-forward (uncommitted
 * changes would be lost). Not the merged work's fault: whoever owns the checkout must commit or stash first.
 */
public final class CheckoutInTheWayException extends KleiberException {
    private final java.nio.file.Path checkout;

    public CheckoutInTheWayException(String message, java.nio.file.Path checkout) {
        super(message, FAILED);
        this.checkout = checkout;
    }

    /** The checkout that must be cleaned up. */
    public java.nio.file.Path checkout() {
        return checkout;
    }
}
