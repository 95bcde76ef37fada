package dev.kleiber.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The terminal's rows and columns: from {@code stty size} on /dev/tty, else {@code LINES}/{@code COLUMNS}, else 24x80. */
record TerminalSize(int rows, int columns) {
    static final TerminalSize DEFAULT = new TerminalSize(24, 80);

    static TerminalSize detect(Map<String, String> env) {
        return stty().or(() -> fromEnv(env)).orElse(DEFAULT);
    }

    static Optional<TerminalSize> fromEnv(Map<String, String> env) {
        return parse(env.getOrDefault("LINES", "") + " " + env.getOrDefault("COLUMNS", ""));
    }

    /** {@code "rows columns"} as stty prints it; empty unless both are positive numbers. */
    static Optional<TerminalSize> parse(String text) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            int rows = Integer.parseInt(parts[0]);
            int columns = Integer.parseInt(parts[1]);
            return rows > 0 && columns > 0 ? Optional.of(new TerminalSize(rows, columns)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<TerminalSize> stty() {
        File tty = new File("/dev/tty");
        if (!tty.canRead()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? parse(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
