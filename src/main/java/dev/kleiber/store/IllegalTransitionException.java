package dev.kleiber.store;

import dev.kleiber.KleiberException;

/** A task was asked to move to a state its current state does not lead to. */
final class IllegalTransitionException extends KleiberException {
    public IllegalTransitionException(String message) {
        super(message, FAILED);
    }
}
