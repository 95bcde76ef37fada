package dev.kleiber.conductor;

import dev.kleiber.cli.Cli;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.llm.ScriptedClient;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.Tasks;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13, defect 11: a blocked file the conductor cannot read as text is reported, once, not silently skipped. */
class BlockedBinaryFileTest {
    @TempDir
    Path tmp;

    @Test
    void aBinaryBlockedFileIsReportedOnce() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        ProjectLayout layout = ProjectLayout.require(repo);
        ProjectConfig project = ProjectConfig.load(layout);
        ManualClock clock = new ManualClock();
        List<String> heard = new ArrayList<>();
        try (Store store = Store.open(StoreUrl.defaultFor(repo), clock)) {
            store.runs().create("r1", "a run");
            store.tasks().add("r1", List.of(new Tasks.NewTask("t1", "engineer-backend", Tier.SONNET, List.of())));
            Files.createDirectories(repo.resolve("blocked/engineer-backend"));
            Files.write(repo.resolve("blocked/engineer-backend/t1-conflict.md"),
                    new byte[] {'#', ' ', 'B', 'l', 'o', 'c', 'k', (byte) 0xFF, (byte) 0xFE, 0, 1, 2});
            BlockedDesk desk = new BlockedDesk(store, new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS,
                    BudgetLimits.DEFAULTS, clock), ScriptedClient.parse("unused", """
                    {"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-1","content":[{"type":"text","text":"unused"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}
                    """, new RecordingBudget()),
                    new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge")), project,
                    new Router(RoutingPolicies.load(Optional.of(layout))), clock,
                    (task, message) -> heard.add(task + ": " + message), new OrchestrationLog(repo.resolve("orchestration_log.md")));

            assertThat(desk.collect("r1", Set.of())).isEmpty();
            assertThat(desk.collect("r1", Set.of())).isEmpty();
        }

        assertThat(heard).singleElement().asString()
                .startsWith("t1: ignored blocked/engineer-backend/t1-conflict.md: ")
                .contains("not valid UTF-8");
    }
}
