package dev.kleiber.validate;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The findings a repository had when {@code kleiber lint --baseline} recorded them
 * ({@code .kleiber/lint-baseline.txt}, committed with the code): those are known and do not fail lint, a task
 * or {@code validate}; only new ones do. A finding is known by its path, rule and message, not its line, so
 * that an edit above it does not make it new; the file counts duplicates, so a second identical finding in the
 * same file is new.
 */
public final class Baseline {
    public static final String FILE = ".kleiber/lint-baseline.txt";
    private static final long MAX_BYTES = 8L * 1024 * 1024;
    private static final String HEADER = """
            # Findings recorded by `kleiber lint --baseline`: they do not fail lint, a task or validate.
            # One finding a line (path: [rule] message). Fix one and delete its line, or re-run the command.
            """;

    private final Map<String, Integer> known;

    private Baseline(Map<String, Integer> known) {
        this.known = Map.copyOf(known);
    }

    public static Baseline none() {
        return new Baseline(Map.of());
    }

    /** The baseline {@code root} holds, or none when the file does not exist. */
    public static Baseline read(Path root) {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return none();
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw KleiberException.badInput(FILE + ": too large (over " + MAX_BYTES + " bytes)");
            }
            Map<String, Integer> counts = new HashMap<>();
            for (String line : Files.readString(file, StandardCharsets.UTF_8).lines().toList()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    counts.merge(line.strip(), 1, Integer::sum);
                }
            }
            return new Baseline(counts);
        } catch (IOException e) {
            throw KleiberException.badInput(FILE + ": cannot be read: " + e.getMessage());
        }
    }

    /** Records {@code findings} as the baseline of {@code root}, replacing an older one whole. */
    public static Path write(Path root, List<Finding> findings) {
        Path file = root.resolve(FILE);
        StringBuilder text = new StringBuilder(HEADER);
        findings.stream().map(Baseline::key).sorted().forEach(key -> text.append(key).append('\n'));
        try {
            AtomicFiles.write(file, text.toString());
            return file;
        } catch (IOException e) {
            throw KleiberException.failed("cannot write " + FILE + ": " + e.getMessage(), e);
        }
    }

    /** How many findings the baseline records. */
    public int size() {
        return known.values().stream().mapToInt(Integer::intValue).sum();
    }

    public boolean isEmpty() {
        return known.isEmpty();
    }

    /** The findings split into those the baseline does not know and those it does, each in the given order. */
    public Split split(List<Finding> findings) {
        Map<String, Integer> left = new HashMap<>(known);
        List<Finding> fresh = new ArrayList<>();
        List<Finding> recorded = new ArrayList<>();
        for (Finding finding : findings) {
            String key = key(finding);
            int count = left.getOrDefault(key, 0);
            if (count > 0) {
                left.put(key, count - 1);
                recorded.add(finding);
            } else {
                fresh.add(finding);
            }
        }
        return new Split(fresh, recorded);
    }

    public record Split(List<Finding> fresh, List<Finding> known) {
        public Split {
            fresh = List.copyOf(fresh);
            known = List.copyOf(known);
        }
    }

    private static String key(Finding finding) {
        return finding.path() + ": [" + finding.rule().id() + "] " + finding.message().replace('\n', ' ');
    }
}
