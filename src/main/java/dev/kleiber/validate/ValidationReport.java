package dev.kleiber.validate;

import dev.kleiber.KleiberException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of validating one task's work (or main), written to {@code reports/{task-id}-validation.md}.
 * It passed when no check failed.
 */
public record ValidationReport(String taskId, Instant checkedAt, Optional<String> commit, List<CheckResult> checks) {
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** A report keeps the tail of a long output: the end of a test run says what failed. */
    static final int MAX_OUTPUT_LINES = 200;
    static final int MAX_OUTPUT_CHARS = 20_000;
    private static final Pattern BACKTICKS = Pattern.compile("`+");

    public ValidationReport {
        if (!TASK_ID.matcher(taskId).matches()) {
            throw KleiberException.badInput("task id '" + taskId + "' must be letters, digits, '.', '_' or '-' "
                    + "(at most 128, starting with a letter or digit)");
        }
        checkedAt = checkedAt.truncatedTo(ChronoUnit.SECONDS);
        checks = List.copyOf(checks);
    }

    public boolean passed() {
        return checks.stream().noneMatch(CheckResult::failed);
    }

    public List<CheckResult> failures() {
        return checks.stream().filter(CheckResult::failed).toList();
    }

    /** {@code reports/{task-id}-validation.md}, relative to the repository root. */
    public String fileName() {
        return "reports/" + taskId + "-validation.md";
    }

    /**
     * The report as markdown:
     * <pre>
     * # Validation: feat-001
     * Result: failed
     * Checked: 2026-11-25T10:00:00Z
     * Commit: 3f2a9c1
     *
     * ## Checks
     * - [FAIL] test (12.3 s): exit code 1
     * - [PASS] naming (0.2 s): no findings in 41 files, 1 branch
     * - [SKIPPED] coverage (0.0 s): no coverage report found
     *
     * ## Details
     *
     * ### test: fail
     * ```text
     * ...
     * ```
     * </pre>
     * The details section lists, in check order, each check that has output; it is left out when none has.
     */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Validation: ").append(taskId).append('\n');
        md.append("Result: ").append(passed() ? "passed" : "failed").append('\n');
        md.append("Checked: ").append(checkedAt).append('\n');
        commit.ifPresent(c -> md.append("Commit: ").append(c).append('\n'));
        md.append("\n## Checks\n");
        if (checks.isEmpty()) {
            md.append("- (no checks ran)\n");
        }
        for (CheckResult check : checks) {
            md.append("- [").append(check.status().name()).append("] ").append(check.name())
                    .append(" (").append(seconds(check)).append(" s)");
            if (!check.summary().isEmpty()) {
                md.append(": ").append(check.summary());
            }
            md.append('\n');
        }
        List<CheckResult> detailed = checks.stream().filter(c -> !c.output().isBlank()).toList();
        if (!detailed.isEmpty()) {
            md.append("\n## Details\n");
            for (CheckResult check : detailed) {
                String excerpt = excerpt(check.output());
                String fence = fence(excerpt);
                md.append("\n### ").append(check.name()).append(": ").append(check.status().id()).append('\n')
                        .append(fence).append("text\n").append(excerpt).append('\n').append(fence).append('\n');
            }
        }
        return md.toString();
    }

    private static String seconds(CheckResult check) {
        return BigDecimal.valueOf(check.duration().toMillis()).divide(BigDecimal.valueOf(1000), 1, RoundingMode.HALF_UP)
                .toPlainString();
    }

    /** The last {@link #MAX_OUTPUT_LINES} lines and {@link #MAX_OUTPUT_CHARS} characters, saying what was left out. */
    static String excerpt(String output) {
        String text = output.replace("\r\n", "\n").stripTrailing();
        while (text.startsWith("\n")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\n", -1);
        int omitted = Math.max(0, lines.length - MAX_OUTPUT_LINES);
        String kept = String.join("\n", List.of(lines).subList(omitted, lines.length));
        if (kept.length() > MAX_OUTPUT_CHARS) {
            String tail = kept.substring(kept.length() - MAX_OUTPUT_CHARS);
            int cut = tail.indexOf('\n');
            tail = cut >= 0 ? tail.substring(cut + 1) : tail;
            omitted += (int) kept.substring(0, kept.length() - tail.length()).chars().filter(c -> c == '\n').count();
            kept = tail;
        }
        return omitted > 0 ? "[... " + omitted + " earlier line" + (omitted == 1 ? "" : "s") + " left out ...]\n" + kept
                : kept;
    }

    /** A code fence longer than any run of backticks in the text, so the output cannot close it. */
    private static String fence(String text) {
        int longest = 0;
        Matcher m = BACKTICKS.matcher(text);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        return "`".repeat(Math.max(3, longest + 1));
    }
}
