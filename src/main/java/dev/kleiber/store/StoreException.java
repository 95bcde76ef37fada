package dev.kleiber.store;

import dev.kleiber.KleiberException;

/** The store could not be read or written. Callers treat it as a refusal: nothing proceeds on a failed read. */
public final class StoreException extends KleiberException {
    public StoreException(String message, Throwable cause) {
        super(message, FAILED, cause);
    }
}
