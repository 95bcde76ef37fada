package dev.kleiber.agent;

import java.nio.file.Path;

/**
 * What runs an agent's session inside a {@link TaskRunner}: Kleiber's own loop ({@link AgentSession}), or an outside
 * agent CLI. The runner does the rest the same way for both: started file, commit with trailers, checks of the real
 * diff, done or blocked file.
 */
@FunctionalInterface
public interface SessionEngine {
    SessionReport run(AgentSession.Setup setup, Path worktree, RolePermissions permissions,
                      AgentSession.Listener listener);
}
