package dev.kleiber.app;

import dev.kleiber.KleiberException;

/** What a request named does not exist: a run, a task. The CLI exits 2; the API answers 404. */
public final class NotFoundException extends KleiberException {
    public NotFoundException(String message) {
        super(message, BAD_INPUT);
    }
}
