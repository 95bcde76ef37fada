package dev.kleiber.conductor;

import dev.kleiber.config.ProjectConfig;
import dev.kleiber.validate.ValidationReport;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Checks a task's work before it merges: the project's validation commands in the task's worktree at
 * {@code commit}. {@link ProjectValidator} runs the commands {@code kleiber.yaml} configures, sandboxed.
 */
@FunctionalInterface
public interface TaskValidator {
    ValidationReport validate(RoutedTask task, Path worktree, String commit, List<Path> changed);

    /** The validator a conductor uses by default, for a caller that wraps it (metrics count its checks). */
    static TaskValidator ofProject(ProjectConfig project, Map<String, String> env, Clock clock) {
        return new ProjectValidator(project, env, clock);
    }
}
