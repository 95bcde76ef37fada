package dev.kleiber.llm;

import dev.kleiber.KleiberException;

/**
 * The environment does not say how to reach the API: no {@code ANTHROPIC_API_KEY}, or an {@code ANTHROPIC_BASE_URL}
 * that is not a URL. Bad input for a command that needs the API at once (exit 2); for a task that needed it only when
 * it ran, a stop for the environment, with {@link #fix()} for the person.
 */
public final class ApiSettingsException extends KleiberException {
    private final String fix;

    ApiSettingsException(String message, String fix) {
        super(message, BAD_INPUT);
        this.fix = fix;
    }

    /** What a person must set, and how to go on. */
    public String fix() {
        return fix;
    }
}
