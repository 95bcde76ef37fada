package dev.kleiber.conductor;

import dev.kleiber.validate.ValidationReport;

import java.nio.file.Path;
import java.util.List;

/**
 * Checks a task's work before it merges: the project's validation commands in the task's worktree at
 * {@code commit}. {@link ProjectValidator} runs the commands {@code kleiber.yaml} configures, sandboxed.
 */
@FunctionalInterface
public interface TaskValidator {
    ValidationReport validate(RoutedTask task, Path worktree, String commit, List<Path> changed);
}
