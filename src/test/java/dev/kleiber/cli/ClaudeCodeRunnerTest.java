package dev.kleiber.cli;

import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.SessionEngine;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.claudecode.RoleRunners;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RunnerSettings.Runner;
import dev.kleiber.conductor.RunPlan;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session engine {@code kleiber worker} builds for each claim (the same construction as {@code kleiber run}'s):
 * the runner of a task comes from the run's recorded plan over kleiber.yaml, and a worker that cannot run Claude Code
 * fails such a session as an environment fault rather than refusing to start.
 */
class ClaudeCodeRunnerTest {
    private static final String PLAN = """
            tasks:
              - {id: on-claude, title: A, agent: engineer-backend, description: Do a., acceptance: [done], runner: claude-code}
              - {id: on-kleiber, title: B, agent: engineer-frontend, description: Do b., acceptance: [done], runner: kleiber}
              - {id: silent, title: C, agent: engineer-frontend, description: Do c., acceptance: [done]}
            """;

    @TempDir
    Path tmp;

    @Test
    void aWorkerChoosesEachTasksRunnerFromThePlanOverKleiberYaml() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config) + "\nrunner:\n  roles: {engineer-frontend: claude-code}\n");
        ProjectConfig project = ProjectConfig.load(ProjectLayout.require(repo));
        // no claude and no key here: a worker still starts, and says so when a session needs Claude Code
        CliContext context = new CliContext(repo, Map.of("PATH", tmp.resolve("empty").toString()), Clock.systemUTC());
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            store.runs().create("run-1", "a request");
            store.events().append("run-1", "", RunPlan.PLAN_EVENT, PLAN);
            SessionEngine engine = ClaudeCodeRunner.engine(project, store, new RecordingBudget(),
                    new dev.kleiber.ledger.Ledger(store, dev.kleiber.ledger.PriceTable.shipped(),
                            dev.kleiber.ledger.TierModels.DEFAULTS, dev.kleiber.ledger.BudgetLimits.DEFAULTS, Clock.systemUTC()),
                    (callContext, request, stream) -> {
                        throw new AssertionError("no Kleiber session is run here");
                    }, context);

            RoleRunners runners = (RoleRunners) engine;
            assertThat(runners.runnerFor(context("on-claude", "engineer-backend"), "engineer-backend"))
                    .isEqualTo(Runner.CLAUDE_CODE);
            assertThat(runners.runnerFor(context("on-kleiber", "engineer-frontend"), "engineer-frontend"))
                    .isEqualTo(Runner.KLEIBER);
            assertThat(runners.runnerFor(context("silent", "engineer-frontend"), "engineer-frontend"))
                    .as("kleiber.yaml's runner for the role").isEqualTo(Runner.CLAUDE_CODE);
            assertThat(runners.runnerFor(context("silent", "engineer-backend"), "engineer-backend"))
                    .as("the default").isEqualTo(Runner.KLEIBER);

            var report = engine.run(new AgentSession.Setup(context("on-claude", "engineer-backend"), "claude-sonnet-4-5",
                    "rules", List.of(), "task", null), repo, RolePermissions.blueprintDefault("engineer-backend"),
                    AgentSession.Listener.NONE);
            assertThat(report.outcome()).isInstanceOfSatisfying(SessionOutcome.Failed.class, failed -> {
                assertThat(failed.reason()).contains("needs ANTHROPIC_API_KEY");
                assertThat(failed.cause()).isInstanceOf(SessionOutcome.EnvironmentFault.class);
            });
        }
    }

    private static CallContext context(String task, String role) {
        return new CallContext("run-1", task, 1, role, Tier.SONNET);
    }
}
