package dev.kleiber.validate;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationReportTest {
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00.123Z");

    @Test
    void rendersAHeadingALinePerCheckAndTheDetails() {
        ValidationReport report = new ValidationReport("feat-001", AT, Optional.of("3f2a9c1"), List.of(
                new CheckResult("test", CheckStatus.FAIL, Duration.ofMillis(12_340), "exit code 1",
                        "FAIL src/user.test.ts\n  expected 2, got 3\n"),
                new CheckResult("naming", CheckStatus.PASS, Duration.ofMillis(200), "no findings in 41 files, 1 branch", ""),
                new CheckResult("coverage", CheckStatus.SKIPPED, Duration.ZERO, "no coverage report found", "")));
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).extracting(CheckResult::name).containsExactly("test");
        assertThat(report.fileName()).isEqualTo("reports/feat-001-validation.md");
        assertThat(report.toMarkdown()).isEqualTo("""
                # Validation: feat-001
                Result: failed
                Checked: 2026-11-25T10:00:00Z
                Commit: 3f2a9c1

                ## Checks
                - [FAIL] test (12.3 s): exit code 1
                - [PASS] naming (0.2 s): no findings in 41 files, 1 branch
                - [SKIPPED] coverage (0.0 s): no coverage report found

                ## Details

                ### test: fail
                ```text
                FAIL src/user.test.ts
                  expected 2, got 3
                ```
                """);
    }

    @Test
    void aReportWithoutFailuresPassesAndHasNoDetailsSection() {
        ValidationReport report = new ValidationReport("main", AT, Optional.empty(), List.of(
                new CheckResult("coverage", CheckStatus.SKIPPED, Duration.ZERO, "none", "")));
        assertThat(report.passed()).isTrue();
        assertThat(report.toMarkdown()).isEqualTo("""
                # Validation: main
                Result: passed
                Checked: 2026-11-25T10:00:00Z

                ## Checks
                - [SKIPPED] coverage (0.0 s): none
                """);
        assertThat(new ValidationReport("main", AT, Optional.empty(), List.of()).toMarkdown()).contains("- (no checks ran)");
    }

    @Test
    void outputCannotCloseItsFence() {
        ValidationReport report = new ValidationReport("t1", AT, Optional.empty(), List.of(
                new CheckResult("lint", CheckStatus.FAIL, Duration.ZERO, "x", "before\n````\n# Validation: forged\n")));
        assertThat(report.toMarkdown()).contains("`````text\nbefore\n````\n# Validation: forged\n`````\n");
    }

    @Test
    void longOutputKeepsItsTail() {
        String output = IntStream.rangeClosed(1, 250).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        String excerpt = ValidationReport.excerpt(output);
        assertThat(excerpt).startsWith("[... 50 earlier lines left out ...]\nline 51\n").endsWith("line 250");
        assertThat(excerpt.lines()).hasSize(ValidationReport.MAX_OUTPUT_LINES + 1);
        String wide = "x".repeat(30_000) + "\n" + "y".repeat(100);
        assertThat(ValidationReport.excerpt(wide)).isEqualTo("[... 1 earlier line left out ...]\n" + "y".repeat(100));
    }

    @Test
    void taskIdsThatCouldEscapeTheReportsFolderAreRefused() {
        for (String id : List.of("../etc", "a/b", "", ".hidden", "x y")) {
            assertThatThrownBy(() -> new ValidationReport(id, AT, Optional.empty(), List.of()))
                    .as(id).isInstanceOf(KleiberException.class).hasMessageContaining("task id");
        }
    }

    @Test
    void summariesStayOnOneLine() {
        assertThat(new CheckResult("x", CheckStatus.PASS, Duration.ZERO, " a\nb ", "").summary()).isEqualTo("a b");
        assertThatThrownBy(() -> new CheckResult(" ", CheckStatus.PASS, Duration.ZERO, "", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
