package dev.kleiber.validate;

import java.util.Comparator;

/**
 * One broken convention. {@code path} is relative to the repository root with {@code /} separators
 * (for a branch, {@code refs/heads/NAME}); {@code line} is 1-based, or 0 when the finding is about the
 * whole file or branch.
 */
public record Finding(String path, int line, Rule rule, String message) implements Comparable<Finding> {
    private static final Comparator<Finding> ORDER = Comparator.comparing(Finding::path)
            .thenComparingInt(Finding::line).thenComparing(Finding::rule).thenComparing(Finding::message);

    public Finding {
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0: " + line);
        }
    }

    /** {@code path:line: [rule] message}, or {@code path: [rule] message} without a line. */
    public String render() {
        return path + (line > 0 ? ":" + line : "") + ": [" + rule.id() + "] " + message;
    }

    @Override
    public int compareTo(Finding other) {
        return ORDER.compare(this, other);
    }
}
