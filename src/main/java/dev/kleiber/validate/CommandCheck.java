package dev.kleiber.validate;

import java.time.Duration;

/** A command from {@code validate.commands} in kleiber.yaml: {@code {name: test, run: "npm test", timeout: 10m}}. */
public record CommandCheck(String name, String run, Duration timeout) {
    public CommandCheck {
        if (name.isBlank() || run.isBlank()) {
            throw new IllegalArgumentException("a validation command needs a name and a command line");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("validation command " + name + " needs a positive timeout");
        }
    }
}
