package dev.kleiber.claudecode;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.SessionEngine;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.agent.SessionReport;
import dev.kleiber.config.RunnerSettings;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.TokenUsage;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The session engine of a run, and the one place a task's runner is chosen, for {@code kleiber run} and
 * {@code kleiber worker} alike: the plan's {@code runner:} for the task when it names one, else the role's
 * {@code runner:} in kleiber.yaml. Claude Code is set up when a session first needs it; when it cannot be (no
 * {@code claude}, no key), that session fails as an environment fault with the fix.
 */
public final class RoleRunners implements SessionEngine {
    private final RunnerSettings settings;
    private final BiFunction<String, String, Optional<RunnerSettings.Runner>> planned;
    private final SessionEngine kleiber;
    private final Supplier<SessionEngine> claudeCode;

    /**
     * @param planned    the runner a run's plan names for a task, by run id and task id
     * @param kleiber    Kleiber's own agent loop
     * @param claudeCode Claude Code, made once when first asked for; throws a {@link KleiberException} saying what is
     *                   missing when it cannot be
     */
    public RoleRunners(RunnerSettings settings, BiFunction<String, String, Optional<RunnerSettings.Runner>> planned,
                       SessionEngine kleiber, Supplier<SessionEngine> claudeCode) {
        this.settings = settings;
        this.planned = planned;
        this.kleiber = kleiber;
        this.claudeCode = claudeCode;
    }

    /** Who runs the sessions of the task in {@code context}, a task of {@code role}. */
    public RunnerSettings.Runner runnerFor(CallContext context, String role) {
        return planned.apply(context.runId(), context.taskId()).orElseGet(() -> settings.runnerFor(role));
    }

    @Override
    public SessionReport run(AgentSession.Setup setup, Path worktree, RolePermissions permissions,
                             AgentSession.Listener listener) {
        return switch (runnerFor(setup.context(), permissions.role())) {
            case KLEIBER -> kleiber.run(setup, worktree, permissions, listener);
            case CLAUDE_CODE -> {
                SessionEngine engine;
                try {
                    engine = claudeCode.get();
                } catch (KleiberException e) {
                    yield new SessionReport(new SessionOutcome.Failed("Claude Code cannot run this task: "
                            + e.getMessage(), new SessionOutcome.EnvironmentFault("install Claude Code "
                            + "(npm install -g @anthropic-ai/claude-code) and give Kleiber ANTHROPIC_API_KEY, or drop "
                            + "runner: claude-code")), Optional.empty(), TokenUsage.NONE, 0, Optional.empty(), false);
                }
                yield engine.run(setup, worktree, permissions, listener);
            }
        };
    }
}
