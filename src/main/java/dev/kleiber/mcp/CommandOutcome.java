package dev.kleiber.mcp;

import java.util.Objects;

/** What one {@code kleiber} command line printed on stdout and stderr, and the code it exited with. */
public record CommandOutcome(int exitCode, String out, String err) {
    public CommandOutcome {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }
}
