package dev.kleiber.store;

import dev.kleiber.KleiberException;

/** A write under a lease that expired or passed to another holder: a zombie's late write, refused. */
public final class LeaseLostException extends KleiberException {
    public LeaseLostException(String message) {
        super(message, FAILED);
    }

    public LeaseLostException(String message, Throwable cause) {
        super(message, FAILED, cause);
    }
}
