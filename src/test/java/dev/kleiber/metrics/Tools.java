package dev.kleiber.metrics;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Finds the Prometheus tools; on CI (where {@code .ci/run} installs them) a missing one fails instead of skipping. */
final class Tools {
    private Tools() {
    }

    static Optional<String> which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /** The tool's path; skips the test only outside CI when it is missing. */
    static String require(String name) {
        Optional<String> tool = which(name);
        if (tool.isEmpty() && System.getenv("CI") != null) {
            throw new AssertionError(name + " is not installed; .ci/run installs Debian's prometheus package");
        }
        assumeTrue(tool.isPresent(), name + " is not installed (apt-get install prometheus)");
        return tool.get();
    }
}
