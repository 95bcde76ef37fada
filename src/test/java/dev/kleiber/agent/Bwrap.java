package dev.kleiber.agent;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Whether bubblewrap is here; sandbox tests are skipped, saying so, only when it is not. */
final class Bwrap {
    private Bwrap() {
    }

    static void assumeInstalled() {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isBlank() && Files.isExecutable(Path.of(dir, "bwrap")));
        Assumptions.assumeTrue(found, "bwrap is not installed (apt-get install bubblewrap); sandbox test skipped");
    }
}
