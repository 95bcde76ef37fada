package dev.kleiber.validate;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs every check on a worktree and collects a {@link ValidationReport}: the project's commands first
 * (they produce the coverage reports), then the naming conventions, the two role gates and coverage.
 */
public final class Validator {
    static final int MAX_FINDINGS_SHOWN = 200;

    private final CommandRunner runner;
    private final Clock clock;
    private final Function<Path, LintSettings> settingsOf;

    /** Checks with the blueprint's layout, whatever the worktree's kleiber.yaml says. */
    public Validator(CommandRunner runner, Clock clock) {
        this(runner, clock, worktree -> LintSettings.defaults());
    }

    /**
     * @param settingsOf the lint settings of a worktree, read from the commit checked out there (its
     *                   kleiber.yaml), so that a change to the settings is validated with the code it comes with
     */
    public Validator(CommandRunner runner, Clock clock, Function<Path, LintSettings> settingsOf) {
        this.runner = runner;
        this.clock = clock;
        this.settingsOf = settingsOf;
    }

    public ValidationReport validate(ValidationRequest request) {
        Instant started = clock.instant();
        Path root = request.worktree().toAbsolutePath().normalize();
        List<CheckResult> checks = new ArrayList<>();
        for (CommandCheck command : request.commands()) {
            checks.add(runner.run(command, root));
        }
        List<Path> targets = request.paths().isEmpty() ? List.of(root)
                : request.paths().stream().map(root::resolve).filter(Files::exists).toList();
        LintSettings settings = settingsOf.apply(root);
        Linter linter = new Linter(root, unignored(root), settings, Baseline.read(root));
        checks.add(timed("naming", () -> naming(linter, targets, request.branches())));
        checks.add(timed("storybook", () -> switchedOff(settings, Rule.GATE_STORY).orElseGet(() -> {
            Linter.Result result = linter.lint(targets, List.of(), EnumSet.of(Linter.Scope.STORIES));
            return gate(result, result.componentsChecked(), "component", "with a story");
        })));
        checks.add(timed("endpoint-tests", () -> switchedOff(settings, Rule.GATE_ENDPOINT_TEST).orElseGet(() -> {
            Linter.Result result = linter.lint(targets, List.of(), EnumSet.of(Linter.Scope.ENDPOINT_TESTS));
            return gate(result, result.endpointsChecked(), "endpoint", "with an integration test");
        })));
        checks.add(timed("coverage", () -> coverage(root, request.coverageMinPercent())));
        return new ValidationReport(request.taskId(), started, request.commit(), checks);
    }

    /** Writes the report to {@code reports/{task-id}-validation.md} under {@code root}, replacing an older one whole. */
    public static Path write(Path root, ValidationReport report) {
        Path file = root.resolve(report.fileName());
        try {
            AtomicFiles.write(file, report.toMarkdown());
            return file;
        } catch (IOException e) {
            throw KleiberException.failed("cannot write " + report.fileName() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Set<String>> unignored(Path root) {
        try {
            return Optional.of(new LocalGit(root).unignoredFiles());
        } catch (KleiberException notGit) {
            return Optional.empty();
        }
    }

    private CheckResult timed(String name, Supplier<Outcome> check) {
        Instant start = clock.instant();
        Outcome outcome = check.get();
        Duration duration = Duration.between(start, clock.instant());
        return new CheckResult(name, outcome.status(), duration.isNegative() ? Duration.ZERO : duration,
                outcome.summary(), outcome.output());
    }

    private record Outcome(CheckStatus status, String summary, String output) {
    }

    private static Outcome naming(Linter linter, List<Path> targets, List<String> branches) {
        Linter.Result result = linter.lint(targets, branches, EnumSet.of(Linter.Scope.NAMING));
        String checked = result.filesChecked() + " file" + plural(result.filesChecked()) + ", "
                + result.branchesChecked() + " branch" + (result.branchesChecked() == 1 ? "" : "es")
                + notCounted(result) + result.withoutRuleText();
        if (result.findings().isEmpty()) {
            return new Outcome(CheckStatus.PASS, "no " + (result.known().isEmpty() ? "" : "new ") + "findings in "
                    + checked, render(result.warnings()));
        }
        List<Finding> shown = new ArrayList<>(result.findings());
        shown.addAll(result.warnings());
        return new Outcome(CheckStatus.FAIL, result.findings().size() + " finding" + plural(result.findings().size())
                + " in " + checked, render(shown));
    }

    /** {@code (2 known in the baseline, 1 warning)}: findings that do not fail, said so that they are not missed. */
    private static String notCounted(Linter.Result result) {
        List<String> parts = new ArrayList<>();
        if (!result.known().isEmpty()) {
            parts.add(result.known().size() + " known in the baseline");
        }
        if (!result.warnings().isEmpty()) {
            parts.add(result.warnings().size() + " warning" + plural(result.warnings().size()));
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    /** A gate whose rule kleiber.yaml switched off is skipped, never counted as met. */
    private static Optional<Outcome> switchedOff(LintSettings settings, Rule rule) {
        return settings.severity(rule) == Severity.OFF ? Optional.of(new Outcome(CheckStatus.SKIPPED, rule.id()
                + " is off (lint.rules of .kleiber/kleiber.yaml)", "")) : Optional.empty();
    }

    private static Outcome gate(Linter.Result result, int checked, String noun, String with) {
        if (checked == 0) {
            return new Outcome(CheckStatus.SKIPPED, "no " + noun + "s found", "");
        }
        List<Finding> findings = result.findings();
        int missing = findings.size() + result.known().size() + result.warnings().size();
        String counted = (checked - missing) + " of " + checked + " " + noun + plural(checked) + " " + with
                + notCounted(result);
        List<Finding> shown = new ArrayList<>(findings);
        shown.addAll(result.warnings());
        return new Outcome(findings.isEmpty() ? CheckStatus.PASS : CheckStatus.FAIL, counted, render(shown));
    }

    private static Outcome coverage(Path root, int minPercent) {
        List<Path> files = CoverageReports.find(root);
        if (files.isEmpty()) {
            return new Outcome(CheckStatus.SKIPPED, "no coverage report found (looked for "
                    + String.join(", ", CoverageReports.USUAL_PLACES) + ")", "");
        }
        List<String> lines = new ArrayList<>();
        List<String> figures = new ArrayList<>();
        boolean ok = true;
        for (Path file : files) {
            String display = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
            try {
                CoverageReport report = CoverageReports.read(file, display);
                boolean meets = report.meets(minPercent);
                ok &= meets;
                lines.add(display + " (" + report.format().name().toLowerCase(java.util.Locale.ROOT) + "): "
                        + report.percent().toPlainString() + "% of lines (" + report.coveredLines() + "/"
                        + report.totalLines() + ")" + (meets ? "" : ", below " + minPercent + "%"));
                figures.add(display + " " + report.percent().toPlainString() + "%");
            } catch (KleiberException unreadable) {
                ok = false;
                lines.add(unreadable.getMessage());
                figures.add(display + " unreadable");
            }
        }
        String summary = "line coverage " + String.join(", ", figures) + " (threshold " + minPercent + "%)";
        return new Outcome(ok ? CheckStatus.PASS : CheckStatus.FAIL, summary, String.join("\n", lines));
    }

    private static String render(List<Finding> findings) {
        List<String> lines = new ArrayList<>(findings.stream().limit(MAX_FINDINGS_SHOWN).map(Finding::render).toList());
        if (findings.size() > MAX_FINDINGS_SHOWN) {
            lines.add("[... " + (findings.size() - MAX_FINDINGS_SHOWN) + " more ...]");
        }
        return String.join("\n", lines);
    }

    private static String plural(int count) {
        return count == 1 ? "" : "s";
    }
}
