package dev.kleiber.cli;

import java.util.Map;
import java.util.Optional;

/**
 * How {@code run} and {@code resume} show progress: a live board redrawn in place, or one line per event.
 *
 * <p>Whether standard output is a terminal is decided by the {@code ./kleiber} launcher, which exports
 * {@value #TTY_VARIABLE}=1 when {@code [ -t 1 ]} holds. The JVM cannot tell reliably by itself across the JDKs
 * Kleiber runs on: on JDK 22 and later {@code System.console()} is not null even with stdout redirected (unless
 * {@code -Djdk.console=java.base}), and {@code Console.isTerminal()} does not exist in release 21. So without the
 * launcher (plain {@code java -jar}, tests, pipes) the output stays one line per event unless {@code --board}
 * asks for the board. {@code CI} and {@code TERM=dumb} mean lines; {@code NO_COLOR} means a board without colour.
 */
enum RunDisplay {
    LINES, BOARD, BOARD_NO_COLOR;

    static final String TTY_VARIABLE = "KLEIBER_STDOUT_TTY";

    /** @param forced {@code --board} (true) or {@code --no-board} (false), when given */
    static RunDisplay choose(Optional<Boolean> forced, Map<String, String> env) {
        boolean plain = env.containsKey("NO_COLOR") || "dumb".equals(env.get("TERM"));
        if (forced.isPresent()) {
            return !forced.get() ? LINES : plain ? BOARD_NO_COLOR : BOARD;
        }
        boolean terminal = "1".equals(env.get(TTY_VARIABLE)) && !"dumb".equals(env.get("TERM"))
                && Optional.ofNullable(env.get("CI")).filter(v -> !v.isBlank() && !v.equals("false")).isEmpty();
        return !terminal ? LINES : plain ? BOARD_NO_COLOR : BOARD;
    }
}
