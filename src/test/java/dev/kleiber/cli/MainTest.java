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
    void noCommandIsBadUsage() {
        Cli.Result result = new Cli(dir).run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing command");
    }
}
