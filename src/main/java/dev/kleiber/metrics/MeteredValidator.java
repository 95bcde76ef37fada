package dev.kleiber.metrics;

import dev.kleiber.conductor.RoutedTask;
import dev.kleiber.conductor.TaskValidator;
import dev.kleiber.validate.CheckResult;
import dev.kleiber.validate.ValidationReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Counts each validation of a task's work, and each check in it by name and result (pass, fail, skipped). */
final class MeteredValidator implements TaskValidator {
    private final TaskValidator validator;
    private final MeterRegistry registry;

    MeteredValidator(TaskValidator validator, MeterRegistry registry) {
        this.validator = validator;
        this.registry = registry;
    }

    @Override
    public ValidationReport validate(RoutedTask task, Path worktree, String commit, List<Path> changed) {
        ValidationReport report = validator.validate(task, worktree, commit, changed);
        Counter.builder("kleiber.validations").description("Validations of task work, by result")
                .tag("result", report.passed() ? "passed" : "failed").register(registry).increment();
        for (CheckResult check : report.checks()) {
            // check names are the project's validate.commands names and Kleiber's own checks: a closed set
            Counter.builder("kleiber.validation.checks").description("Checks run in task validations, by check and result")
                    .tags("check", check.name(), "result", check.status().name().toLowerCase(Locale.ROOT))
                    .register(registry).increment();
        }
        return report;
    }
}
