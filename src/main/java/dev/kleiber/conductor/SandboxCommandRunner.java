package dev.kleiber.conductor;

import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.Glob;
import dev.kleiber.agent.LimitHit;
import dev.kleiber.agent.PathGuard;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.SandboxProbe;
import dev.kleiber.validate.CheckResult;
import dev.kleiber.validate.CheckStatus;
import dev.kleiber.validate.CommandCheck;
import dev.kleiber.validate.CommandRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a validation command in a task's worktree through the agent command sandbox with the validator role's
 * rights plus the build outputs: the source read-only, the validator's own paths and the folders where builds,
 * test runners and coverage tools write ({@link #BUILD_OUTPUTS}) writable, no network.
 */
final class SandboxCommandRunner implements CommandRunner {
    /** Where Maven, Gradle, npm scripts, bundlers and coverage tools write by default. */
    static final List<String> BUILD_OUTPUTS = List.of("target/**", "build/**", "out/**", "dist/**", "coverage/**",
            ".nyc_output/**", "node_modules/.cache/**", ".gradle/**", "__pycache__/**", ".pytest_cache/**");

    private final RolePermissions validator;
    private final Map<String, String> parentEnv;
    private final CommandSandbox.Settings settings;
    /** One probe for every command of this runner: the machine does not change between them. */
    private final SandboxProbe probe;

    public SandboxCommandRunner(RolePermissions validator, Map<String, String> parentEnv, CommandSandbox.Settings settings) {
        List<Glob> writable = new ArrayList<>(validator.writeGlobs());
        BUILD_OUTPUTS.stream().map(Glob::path).forEach(writable::add);
        this.validator = new RolePermissions(validator.role(), validator.tools(), writable, validator.readGlobs(),
                validator.commandPatterns());
        this.parentEnv = Map.copyOf(parentEnv);
        this.settings = settings;
        this.probe = new SandboxProbe(parentEnv, settings.limits());
    }

    @Override
    public CheckResult run(CommandCheck command, Path worktree) {
        CommandSandbox sandbox = new CommandSandbox(new PathGuard(worktree, validator), parentEnv,
                settings.withTimeout(command.timeout()), probe);
        return switch (sandbox.run(command.run())) {
            case CommandSandbox.Outcome.Finished finished -> new CheckResult(command.name(),
                    finished.exitCode() == 0 ? CheckStatus.PASS : CheckStatus.FAIL, finished.elapsed(),
                    "`" + command.run() + "` exited with " + finished.exitCode() + hits(finished.limitHits()),
                    finished.output().text());
            case CommandSandbox.Outcome.TimedOut timedOut -> new CheckResult(command.name(), CheckStatus.FAIL,
                    timedOut.timeout(), "`" + command.run() + "` did not finish within " + timedOut.timeout().toSeconds()
                    + " s and was stopped" + hits(timedOut.limitHits()), timedOut.output().text());
            case CommandSandbox.Outcome.Refused refused -> new CheckResult(command.name(), CheckStatus.FAIL,
                    Duration.ZERO, "`" + command.run() + "` could not be started: " + refused.reason(), "");
        };
    }

    private static String hits(List<LimitHit> hits) {
        return hits.stream().map(h -> " (" + h.describe() + ")").collect(Collectors.joining());
    }
}
