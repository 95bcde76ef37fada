package dev.kleiber.conductor;

import dev.kleiber.git.GitRepository;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the conductor is shown of a repository before it plans: the files git tracks (Kleiber's own protocol
 * and log files left out) and the start of the README, both capped so a large repository cannot flood the
 * prompt or the bill.
 */
public final class RepositoryOverview {
    static final int MAX_FILES = 400;
    static final int MAX_README_LINES = 80;
    private static final List<String> KLEIBER_OWN = List.of(".kleiber/", "tasks/", "progress/", "complete/",
            "blocked/", "reports/");

    private RepositoryOverview() {
    }

    public static String of(GitRepository git) {
        List<String> files = git.trackedFiles().stream()
                .filter(path -> KLEIBER_OWN.stream().noneMatch(path::startsWith))
                .filter(path -> !path.endsWith(".gitkeep")).sorted().toList();
        StringBuilder text = new StringBuilder("Files (" + files.size() + "):\n");
        files.stream().limit(MAX_FILES).forEach(path -> text.append("- ").append(path).append('\n'));
        if (files.size() > MAX_FILES) {
            text.append("- … and ").append(files.size() - MAX_FILES).append(" more\n");
        }
        readme(git.root()).ifPresent(readme -> text.append("\nREADME.md (start):\n").append(readme));
        return text.toString();
    }

    private static Optional<String> readme(Path root) {
        Path file = root.resolve("README.md");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return Optional.of(String.join("\n", lines.subList(0, Math.min(lines.size(), MAX_README_LINES))) + "\n");
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
