package dev.kleiber.conductor;

import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.Glob;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.validate.CheckoutDependencies;
import dev.kleiber.validate.LintSettings;
import dev.kleiber.validate.Validator;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The validator for one fresh worktree (a task's or main's): the checkout's installed dependencies linked in and
 * bound read-only — a fresh worktree has none, and the sandbox has neither the checkout nor a network to install
 * them — and the tools' caches writable, with the validator role's rights otherwise.
 */
final class WorktreeValidator {
    private WorktreeValidator() {
    }

    static Validator of(ProjectConfig project, RolePermissions rights, Map<String, String> env, Clock clock,
                        Path worktree, Function<Path, LintSettings> lint) {
        CheckoutDependencies dependencies = CheckoutDependencies.link(project.layout().root(), worktree);
        List<Glob> writable = new ArrayList<>(rights.writeGlobs());
        dependencies.writable().stream().map(Glob::path).forEach(writable::add);
        RolePermissions withCaches = new RolePermissions(rights.role(), rights.tools(), writable, rights.readGlobs(),
                rights.commandPatterns());
        CommandSandbox.Settings settings = Conductor.sandboxSettings(project.settings());
        List<String> read = new ArrayList<>(settings.readPaths());
        read.addAll(dependencies.readOnly());
        return new Validator(new SandboxCommandRunner(withCaches, env, settings.withReadPaths(read)), clock, lint);
    }
}
