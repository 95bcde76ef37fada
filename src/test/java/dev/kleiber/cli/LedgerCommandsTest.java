package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.ledger.BudgetGuard;
import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.CallResult;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerCommandsTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    Path repo;
    Cli cli;

    @BeforeEach
    void repositoryWithTwoCalls() throws Exception {
        repo = GitRepos.init(Files.createDirectories(dir.resolve("project")));
        Files.createDirectories(repo.resolve("src"));
        cli = new Cli(new CliContext(repo.resolve("src"), Map.of("USER", "ana"), clock));
        try (Store store = Store.open(StoreUrl.defaultFor(repo), clock)) {
            BudgetGuard guard = new BudgetGuard(store, PriceTable.shipped(), BudgetLimits.DEFAULTS, clock,
                    store.leases().acquire("test", Duration.ofMinutes(5)), p -> { });
            CallContext backend = new CallContext("r1", "feat-001", 1, "engineer-backend", Tier.SONNET);
            guard.settle(guard.reserve(backend, "claude-sonnet-4-5", 20_000, 10_000), new CallResult(
                    "claude-sonnet-4-5-20250929", TokenUsage.of(15_000, 8_000), CallOutcome.OK, Optional.of("req_1")));
            CallContext architect = new CallContext("r1", "plan", 1, "architect", Tier.OPUS);
            guard.settle(guard.reserve(architect, "claude-opus-4-1", 100_000, 20_000), new CallResult(
                    "claude-opus-4-1-20250805", TokenUsage.of(100_000, 10_000), CallOutcome.OK, Optional.empty()));
            guard.reserve(backend, "claude-sonnet-4-5", 100_000, 0); // $0.30 in flight
        }
    }

    @Test
    void costJsonIsOneDocumentWithExactlyTheAgreedKeys() throws Exception {
        Cli.Result result = cli.run("cost", "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        List<String> keys = new java.util.ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertThat(keys).containsExactly("day", "totalUsd", "calls", "byModel", "byAgent", "byTask", "allOpusUsd", "byDay");
        assertThat(json.get("day").asText()).isEqualTo("2025-01-09");
        // 0.165 + (100000 x 15 + 10000 x 75) / 1M = 0.165 + 2.25
        assertThat(json.get("totalUsd").decimalValue()).isEqualByComparingTo("2.415");
        assertThat(json.get("calls").asLong()).isEqualTo(2);
        assertThat(json.get("byModel").get(0).get("model").asText()).isEqualTo("claude-opus-4-1-20250805");
        assertThat(json.get("byAgent").get(1).get("agent").asText()).isEqualTo("engineer-backend");
        assertThat(json.get("byTask").get(1).get("task").asText()).isEqualTo("feat-001");
        // both calls' tokens on the configured opus, claude-opus-5-5 ($4/$20): 15000 x 4 + 8000 x 20 = 0.22,
        // plus 100000 x 4 + 10000 x 20 = 0.60
        assertThat(json.get("allOpusUsd").decimalValue()).isEqualByComparingTo("0.82");
        assertThat(result.out()).doesNotContain("E+");
        // byDay as GET /api/v1/cost gives it: the days with calls among the 30 up to the day shown
        assertThat(json.get("byDay")).singleElement().satisfies(d -> {
            assertThat(d.get("day").asText()).isEqualTo("2025-01-09");
            assertThat(d.get("calls").asLong()).isEqualTo(2);
            assertThat(d.get("costUsd").decimalValue()).isEqualByComparingTo("2.415");
            assertThat(d.get("allOpusUsd").decimalValue()).isEqualByComparingTo("0.82");
        });

        JsonNode ofRun = new ObjectMapper().readTree(cli.run("cost", "--json", "--run", "r1").out());
        assertThat(ofRun.get("day").isNull()).isTrue();
        assertThat(ofRun.get("byDay")).singleElement().satisfies(d -> assertThat(d.get("day").asText()).isEqualTo("2025-01-09"));
    }

    @Test
    void costTextAndRunFilter() {
        Cli.Result today = cli.run("cost");
        assertThat(today.out()).contains("Cost on 2025-01-09: $2.415 in 2 calls")
                .contains("All on Opus (claude-opus-5-5) the same tokens would have cost $0.82")
                .contains("By model").contains("r1/feat-001 (engineer-backend)");
        assertThat(cli.run("cost", "--run", "r1").out()).contains("Cost of run r1: $2.415 in 2 calls");
        assertThat(cli.run("cost", "--run", "other").exitCode()).as("no such run, as status says").isEqualTo(2);
        assertThat(cli.run("cost", "--day", "2025-01-08").out()).contains("No calls recorded.");
    }

    @Test
    void costSummaryAppendsTheBlueprintsDailySummary() throws Exception {
        Files.writeString(repo.resolve("orchestration_log.md"), "# Orchestration log\n");
        Cli.Result result = cli.run("cost", "--summary");

        String block = """
                ## Daily Summary: 2025-01-09
                - Total tasks: 2
                - Opus usage: 1 task, $2.25
                - Sonnet usage: 1 task, $0.17
                - Haiku usage: 0 tasks, $0.00
                - **Total: $2.42**
                """;
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo(block);
        assertThat(Files.readString(repo.resolve("orchestration_log.md"))).isEqualTo("# Orchestration log\n\n" + block);
    }

    @Test
    void budgetShowsLimitSpentReservedAndRemaining() throws Exception {
        Cli.Result result = cli.run("budget");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Budget for 2025-01-09 (UTC)").contains("limit      $50.00")
                .contains("spent      $2.415").contains("reserved   $0.30").contains("remaining  $47.285")
                .contains("state      open");
        JsonNode json = new ObjectMapper().readTree(cli.run("budget", "--json").out());
        assertThat(json.get("remainingUsd").decimalValue()).isEqualByComparingTo("47.285");
        assertThat(json.get("paused").asBoolean()).isFalse();
    }

    @Test
    void raiseAndApproveAreRecordedWithWhoAndWhen() {
        Cli.Result approve = cli.run("budget", "approve", "--extra", "10");
        assertThat(approve.exitCode()).as(approve.err()).isZero();
        assertThat(approve.out()).contains("Approved by ana (from $USER): today's limit is now $60.00");
        Cli.Result raise = cli.run("budget", "raise", "--to", "$80", "--by", "bo");
        assertThat(raise.out()).contains("Raised by bo (from --by): today's limit is now $80.00");
        assertThat(cli.run("budget").out()).contains("limit      $80.00")
                .contains("2025-01-09T14:30:00Z  ana (from $USER) approved extra day:2025-01-09 of $10.00")
                .contains("bo (from --by) raised day:2025-01-09 to $80.00");
    }

    @Test
    void badInputExitsTwoWithAMessage() {
        Cli.Result lower = cli.run("budget", "raise", "--to", "20");
        assertThat(lower.exitCode()).isEqualTo(2);
        assertThat(lower.err()).contains("daily limit is already $50.00").doesNotContain("at dev.kleiber");
        assertThat(cli.run("budget", "approve", "--extra", "-5").err()).contains("must be more than $0");
        assertThat(cli.run("budget", "raise", "--to", "90", "--run", "r1").err())
                .contains("no per-run budget to change");
        assertThat(cli.run("cost", "--day", "9 Jan").err()).contains("--day must be a date as YYYY-MM-DD");
        assertThat(cli.run("cost", "--store", "mysql://x").exitCode()).isEqualTo(2);
        Cli.Result outside = new Cli(dir).run("budget");
        assertThat(outside.exitCode()).isEqualTo(2);
        assertThat(outside.err()).contains("is not inside a git repository");
    }

    @Test
    void theStoreLivesInDotKleiberAtTheRepositoryRoot() {
        assertThat(repo.resolve(".kleiber/state.db")).exists();
        assertThat(repo.resolve("src/.kleiber")).doesNotExist();
    }

    @Test
    void aPauseIsPrintedWrittenAsABlockedFileAndShownByBudget() {
        java.io.StringWriter err = new java.io.StringWriter();
        LedgerSettings settings = LedgerSettings.of(new CliContext(repo, Map.of(), clock), Optional.empty());
        try (Store store = Store.open(settings.store(), clock)) {
            BudgetGuard guard = new BudgetGuard(store, settings.prices(), settings.limits(), clock,
                    store.leases().acquire("conductor", Duration.ofMinutes(5)), settings.alerts(new java.io.PrintWriter(err)));
            CallContext big = new CallContext("r1", "feat-009", 1, "architect", Tier.OPUS);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> guard.reserve(big, "claude-opus-4-1", 1_000_000, 500_000))
                    .isInstanceOf(dev.kleiber.ledger.BudgetExceededException.class);
        }
        assertThat(err.toString()).contains("kleiber: PAUSED for budget: the daily budget for 2025-01-09 ($50.00)")
                .contains("blocked/conductor/budget-2025-01-09-conflict.md");
        assertThat(repo.resolve("blocked/conductor/budget-2025-01-09-conflict.md")).exists();
        Cli.Result budget = cli.run("budget");
        assertThat(budget.out()).contains("state      PAUSED since 2025-01-09T14:30:00Z")
                .contains("continue with 'kleiber budget raise --to USD' or 'kleiber budget approve --extra USD'");
        assertThat(cli.run("budget", "approve", "--extra", "60").exitCode()).isZero();
        assertThat(cli.run("budget").out()).contains("state      open");
    }
}
