package dev.kleiber.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunDisplayTest {
    private static final Map<String, String> TERMINAL = Map.of(RunDisplay.TTY_VARIABLE, "1", "TERM", "xterm-256color");

    @Test
    void theBoardOnlyWhenTheLauncherSawATerminal() {
        assertThat(RunDisplay.choose(Optional.empty(), TERMINAL)).isEqualTo(RunDisplay.BOARD);
        assertThat(RunDisplay.choose(Optional.empty(), Map.of("TERM", "xterm"))).isEqualTo(RunDisplay.LINES);
        assertThat(RunDisplay.choose(Optional.empty(), Map.of())).isEqualTo(RunDisplay.LINES);
    }

    @Test
    void ciAndDumbTerminalsGetLinesAndNoColorAPlainBoard() {
        assertThat(RunDisplay.choose(Optional.empty(), with("CI", "true"))).isEqualTo(RunDisplay.LINES);
        assertThat(RunDisplay.choose(Optional.empty(), with("CI", "false"))).isEqualTo(RunDisplay.BOARD);
        assertThat(RunDisplay.choose(Optional.empty(), with("TERM", "dumb"))).isEqualTo(RunDisplay.LINES);
        assertThat(RunDisplay.choose(Optional.empty(), with("NO_COLOR", "1"))).isEqualTo(RunDisplay.BOARD_NO_COLOR);
    }

    @Test
    void theOptionsOverrideTheDetection() {
        assertThat(RunDisplay.choose(Optional.of(false), TERMINAL)).isEqualTo(RunDisplay.LINES);
        assertThat(RunDisplay.choose(Optional.of(true), Map.of())).isEqualTo(RunDisplay.BOARD);
        assertThat(RunDisplay.choose(Optional.of(true), Map.of("TERM", "dumb"))).isEqualTo(RunDisplay.BOARD_NO_COLOR);
    }

    @Test
    void terminalSizesParseAsSttyPrintsThem() {
        assertThat(TerminalSize.parse("50 132\n")).contains(new TerminalSize(50, 132));
        assertThat(TerminalSize.parse("0 0")).isEmpty();
        assertThat(TerminalSize.parse("")).isEmpty();
        assertThat(TerminalSize.fromEnv(Map.of("LINES", "30", "COLUMNS", "100"))).contains(new TerminalSize(30, 100));
        assertThat(TerminalSize.fromEnv(Map.of("COLUMNS", "100"))).isEmpty();
    }

    private static Map<String, String> with(String name, String value) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(TERMINAL);
        env.put(name, value);
        return env;
    }
}
