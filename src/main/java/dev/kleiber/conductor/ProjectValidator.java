package dev.kleiber.conductor;

import dev.kleiber.agent.RolePermissions;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.routing.Roles;
import dev.kleiber.validate.CommandCheck;
import dev.kleiber.validate.ValidationReport;
import dev.kleiber.validate.ValidationRequest;
import dev.kleiber.validate.Validator;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link TaskValidator} of a project: the {@code validate.commands} of kleiber.yaml, run in the task's worktree
 * under the sandbox with the validator role's rights and the checkout's node_modules linked in read-only (as
 * {@code kleiber validate} does), plus naming, role gates and coverage; the report goes to
 * {@code reports/{task-id}-validation.md}.
 */
final class ProjectValidator implements TaskValidator {
    private final ProjectConfig project;
    private final RolePermissions rights;
    private final Map<String, String> env;
    private final Clock clock;

    ProjectValidator(ProjectConfig project, Map<String, String> env, Clock clock) {
        this.project = project;
        this.rights = AgentWorker.role(project, Roles.VALIDATOR).permissions();
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    @Override
    public ValidationReport validate(RoutedTask task, Path worktree, String commit, List<Path> changed) {
        KleiberConfig.Validate settings = project.settings().validate();
        List<CommandCheck> commands = settings.commands().stream()
                .map(c -> new CommandCheck(c.name(), c.run(), c.timeout())).toList();
        Validator validator = WorktreeValidator.of(project, rights, env, clock, worktree,
                tree -> project.settings().layout().lint());
        ValidationReport report = validator.validate(new ValidationRequest(task.id(), worktree, Optional.of(commit),
                commands, settings.coverageMinPercent(), List.of(task.branch()), changed));
        Validator.write(project.layout().root(), report);
        return report;
    }
}
