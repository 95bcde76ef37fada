package dev.kleiber.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** A command-line tool the deployment checks run: its output and exit code, or a clear failure. */
record Tool(String name) {

    record Result(int exitCode, String output) {}

    /**
     * On a developer's machine without the tool the check is skipped; on CI ({@code CI} set) a missing tool fails,
     * because {@code .ci/run} is supposed to have installed it.
     */
    void requireInstalled() {
        boolean present = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
        if (!present && System.getenv("CI") != null) {
            fail(name + " is not installed; .ci/run should have installed it");
        }
        Assumptions.assumeTrue(present, name + " is not installed");
    }

    Result run(Path dir, List<String> args, String stdin) {
        try {
            Process process = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", args) + " did not finish in 5 minutes");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + args + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + args, e);
        }
    }

    Result run(Path dir, List<String> args) {
        return run(dir, args, "");
    }
}
