package dev.kleiber.claudecode;

import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.SessionEngine;
import dev.kleiber.agent.SessionLimits;
import dev.kleiber.agent.SessionReport;
import dev.kleiber.config.RunnerSettings;
import dev.kleiber.llm.LlmClient;

import java.nio.file.Path;

/** The session engine of a run: each role's sessions on the runner {@code runner:} names for it. */
public final class RoleRunners implements SessionEngine {
    private final RunnerSettings settings;
    private final LlmClient client;
    private final SessionLimits limits;
    private final SessionEngine claudeCode;

    public RoleRunners(RunnerSettings settings, LlmClient client, SessionLimits limits, SessionEngine claudeCode) {
        this.settings = settings;
        this.client = client;
        this.limits = limits;
        this.claudeCode = claudeCode;
    }

    @Override
    public SessionReport run(AgentSession.Setup setup, Path worktree, RolePermissions permissions,
                             AgentSession.Listener listener) {
        return switch (settings.runnerFor(permissions.role())) {
            case KLEIBER -> new AgentSession(client, limits).run(setup, listener);
            case CLAUDE_CODE -> claudeCode.run(setup, worktree, permissions, listener);
        };
    }
}
