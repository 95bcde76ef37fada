package dev.kleiber.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheCommandsAndExitsZero() {
        Cli.Result result = new Cli(dir).run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: kleiber").contains("conductor for AI coding agents");
    }

    @Test
    void unknownCommandIsBadUsageWithoutAStackTrace() {
        Cli.Result result = new Cli(dir).run("frobnicate");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("kleiber: unknown command 'frobnicate'").doesNotContain("at dev.kleiber");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"init", "config", "protocol", "lint", "plan"}) {
            Cli.Result result = new Cli(dir).run(command, "--help");
            assertThat(result.exitCode()).as(command + ": " + result.err()).isZero();
            assertThat(result.out()).contains("Usage: kleiber " + command);
        }
    }

    @Test
    void theCommandsThatCallAModelShareOneScriptOptionAndTheRunCommandsTheirRunOptions() {
        for (String[] command : new String[][] {{"run"}, {"resume"}, {"serve"}, {"plan"}, {"agent", "run"}}) {
            String help = help(command);
            assertThat(help).as(String.join(" ", command)).contains("--script=FILE")
                    .contains("Replay a script of Messages API responses (JSON Lines) instead of calling the API.");
        }
        for (String command : new String[] {"run", "resume"}) {
            assertThat(help(command)).as(command).contains("--workers=N").contains("--[no-]board");
        }
        assertThat(help("run")).contains("--metrics-port=PORT");
        assertThat(help("serve")).doesNotContain("--workers").doesNotContain("board");
    }

    private String help(String... command) {
        String[] args = java.util.Arrays.copyOf(command, command.length + 1);
        args[command.length] = "--help";
        Cli.Result result = new Cli(dir).run(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + ": " + result.err()).isZero();
        return result.out().replaceAll("\\s+", " ");
    }

    @Test
    void noCommandIsBadUsage() {
        Cli.Result result = new Cli(dir).run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("say which command to run");
    }
}
