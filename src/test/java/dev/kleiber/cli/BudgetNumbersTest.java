package dev.kleiber.cli;

import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 3: an absurd number never reaches the ledger's arithmetic, whether it comes from kleiber.yaml,
 * from a person's command or from what the store already holds; `budget` and `status` always answer.
 */
class BudgetNumbersTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    Path repo;
    Cli cli;

    @BeforeEach
    void repository() throws Exception {
        repo = GitRepos.init(Files.createDirectories(dir.resolve("project")));
        cli = new Cli(new CliContext(repo, Map.of("USER", "ana"), clock));
        try (Store store = Store.open(StoreUrl.defaultFor(repo), clock)) {
            store.runs().create("r1", "a run");
        }
    }

    @Test
    void anAstronomicDailyBudgetInKleiberYamlIsABadConfigurationForBudgetStatusAndConfig() throws Exception {
        Files.createDirectories(repo.resolve(".kleiber"));
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), "version: 1\nbudget:\n  daily_usd: 1e400\n");

        for (String[] command : new String[][] {{"budget"}, {"status"}, {"config"}, {"budget", "--json"}}) {
            Cli.Result result = cli.run(command);
            assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.err()).isEqualTo(2);
            assertThat(result.err()).contains(".kleiber/kleiber.yaml line 3: 'daily_usd' must be at most 1000000 USD")
                    .doesNotContain("ArithmeticException").doesNotContain("unexpected error");
        }
    }

    @Test
    void aPersonCannotRaiseALimitPastWhatTheLedgerKeeps() {
        Cli.Result huge = cli.run("budget", "raise", "--to", "1e400");
        assertThat(huge.exitCode()).as(huge.err()).isEqualTo(2);
        assertThat(huge.err()).contains("--to must be at most $1000000; found '1e400'").doesNotContain("Arithmetic");

        assertThat(cli.run("budget", "approve", "--extra", "600000").exitCode()).isZero();
        Cli.Result past = cli.run("budget", "approve", "--extra", "600000");
        assertThat(past.exitCode()).as(past.err()).isEqualTo(2);
        assertThat(past.err()).contains("would make the daily limit $1200050.00, more than the largest limit ($1000000)");
        assertThat(cli.run("budget").out()).contains("limit      $600050.00");
    }

    @Test
    void budgetAndStatusAnswerWhateverTheStoreHolds() throws Exception {
        try (Store store = Store.open(StoreUrl.defaultFor(repo), clock)) {
            store.database().write(tx -> {
                tx.update("INSERT INTO approvals (at_ms, scope, kind, amount_pusd, approved_by) VALUES (?, ?, ?, ?, ?)",
                        clock.millis(), "day:2025-01-09", "raise", Long.MAX_VALUE - 5, "an older kleiber");
                tx.update("INSERT INTO approvals (at_ms, scope, kind, amount_pusd, approved_by) VALUES (?, ?, ?, ?, ?)",
                        clock.millis(), "day:2025-01-09", "extra", 1_000_000_000_000L, "an older kleiber");
                return null;
            });
        }

        Cli.Result budget = cli.run("budget", "--json");
        assertThat(budget.exitCode()).as(budget.err()).isZero();
        assertThat(Json.MAPPER.readTree(budget.out()).get("limitUsd").decimalValue()).isPositive();
        Cli.Result status = cli.run("status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("budget 2025-01-09: spent $0.00 of $9223372.04");
    }

    @Test
    void theSpendBarFillsWhenSpendDwarfsTheLimit() {
        assertThat(Board.cells(new BigDecimal("9000000"), new BigDecimal("0.000001"), 20)).isEqualTo(20);
        assertThat(Board.cells(new BigDecimal("1"), new BigDecimal("2"), 20)).isEqualTo(10);
    }
}
