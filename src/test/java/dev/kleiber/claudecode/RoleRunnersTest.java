package dev.kleiber.claudecode;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.SessionEngine;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.agent.SessionReport;
import dev.kleiber.config.RunnerSettings;
import dev.kleiber.config.RunnerSettings.Runner;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The one place a task's runner is chosen: the plan's task over the role's, Claude Code made once and only when needed. */
class RoleRunnersTest {
    private static final RunnerSettings ROLES = new RunnerSettings(Runner.KLEIBER,
            Map.of("engineer-frontend", Runner.CLAUDE_CODE), "claude", 40, Duration.ofMinutes(30));
    private static final Map<String, Runner> PLAN = Map.of("on-claude", Runner.CLAUDE_CODE, "on-kleiber", Runner.KLEIBER);

    private final AtomicInteger madeClaudeCode = new AtomicInteger();

    private static SessionEngine answering(String who) {
        return (setup, worktree, permissions, listener) -> new SessionReport(new SessionOutcome.Completed(who, List.of()),
                Optional.empty(), TokenUsage.NONE, 1, Optional.empty(), false);
    }

    private RoleRunners runners(boolean claudeCodeInstalled) {
        return new RoleRunners(ROLES, (run, task) -> run.equals("run-1") ? Optional.ofNullable(PLAN.get(task)) : Optional.empty(),
                answering("kleiber"), () -> {
            madeClaudeCode.incrementAndGet();
            if (!claudeCodeInstalled) {
                throw KleiberException.badInput("runner: claude-code, but 'claude' is not on PATH");
            }
            return answering("claude-code");
        });
    }

    private static SessionReport run(RoleRunners runners, String runId, String task, String role) {
        AgentSession.Setup setup = new AgentSession.Setup(new CallContext(runId, task, 1, role, Tier.SONNET), "claude-sonnet-4-5",
                "rules", List.of(), "task", null);
        return runners.run(setup, Path.of("/nonexistent"), RolePermissions.blueprintDefault(role), AgentSession.Listener.NONE);
    }

    private static String who(SessionReport report) {
        return ((SessionOutcome.Completed) report.outcome()).summary();
    }

    @Test
    void thePlansRunnerForATaskWinsOverItsRolesAndTheRolesAppliesOtherwise() {
        RoleRunners runners = runners(true);

        assertThat(who(run(runners, "run-1", "on-claude", "engineer-backend"))).isEqualTo("claude-code");
        assertThat(who(run(runners, "run-1", "on-kleiber", "engineer-frontend"))).isEqualTo("kleiber");
        assertThat(who(run(runners, "run-1", "silent", "engineer-frontend"))).isEqualTo("claude-code");
        assertThat(who(run(runners, "run-1", "silent", "engineer-backend"))).isEqualTo("kleiber");
        assertThat(who(run(runners, "run-2", "on-claude", "engineer-backend"))).as("another run's plan").isEqualTo("kleiber");
        assertThat(madeClaudeCode).hasValue(2).as("asked for twice here; the caller's supplier keeps what it made");
    }

    @Test
    void claudeCodeThatCannotBeSetUpFailsTheSessionAsAnEnvironmentFaultWithTheFix() {
        SessionReport report = run(runners(false), "run-1", "on-claude", "engineer-backend");

        assertThat(report.outcome()).isInstanceOfSatisfying(SessionOutcome.Failed.class, failed -> {
            assertThat(failed.reason()).contains("'claude' is not on PATH");
            assertThat(failed.cause()).isInstanceOfSatisfying(SessionOutcome.EnvironmentFault.class,
                    fault -> assertThat(fault.fix()).contains("npm install -g @anthropic-ai/claude-code"));
        });
        assertThat(report.usage()).isEqualTo(TokenUsage.NONE);
    }
}
