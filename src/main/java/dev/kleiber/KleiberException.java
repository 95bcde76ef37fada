package dev.kleiber;

/**
 * The one exception family Kleiber shows to users. Its message is written for a person
 * ("tasks/x.md line 7: Model must be one of opus, sonnet, haiku; found 'gpt4'") and the
 * command line prints it as it is, without a stack trace, exiting with {@link #exitCode()}.
 */
public class KleiberException extends RuntimeException {
    /** Exit code for bad usage or bad input. */
    public static final int BAD_INPUT = 2;
    /** Exit code for work that was attempted and failed. */
    public static final int FAILED = 1;

    private final int exitCode;

    public KleiberException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public KleiberException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad usage or input: the user must change what they asked for. Exit code 2. */
    public static KleiberException badInput(String message) {
        return new KleiberException(message, BAD_INPUT);
    }

    /** The work was attempted and failed. Exit code 1. */
    public static KleiberException failed(String message) {
        return new KleiberException(message, FAILED);
    }

    public static KleiberException failed(String message, Throwable cause) {
        return new KleiberException(message, FAILED, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
