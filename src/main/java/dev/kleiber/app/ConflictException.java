package dev.kleiber.app;

import dev.kleiber.KleiberException;

/**
 * The request is well formed but the state does not allow it now: a task not awaiting review, a branch that moved
 * since the commit a person saw. The CLI exits 1; the API answers 409.
 */
public final class ConflictException extends KleiberException {
    public ConflictException(String message) {
        super(message, FAILED);
    }
}
