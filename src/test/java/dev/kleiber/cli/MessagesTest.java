package dev.kleiber.cli;

import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.BudgetGuard;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.CallResult;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Issue 13, defect 11: what a newcomer reads when things are counted, missing, misspelt or broken. */
class MessagesTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    Path repo;
    Cli cli;

    @BeforeEach
    void repository() {
        repo = GitRepos.init(dir.resolve("project"));
        cli = new Cli(new CliContext(repo, Map.of("USER", "ana"), clock));
    }

    private void oneCall() {
        LedgerSettings settings = LedgerSettings.of(new CliContext(repo, Map.of(), clock), Optional.empty());
        try (Store store = Store.open(settings.store(), clock)) {
            BudgetGuard guard = new BudgetGuard(store, settings.prices(), settings.limits(), clock,
                    store.leases().acquire("test", Duration.ofMinutes(5)), p -> { });
            CallContext backend = new CallContext("r1", "feat-001", 1, "engineer-backend", Tier.SONNET);
            guard.settle(guard.reserve(backend, "claude-sonnet-4-5", 20_000, 10_000), new CallResult(
                    "claude-sonnet-4-5", TokenUsage.of(15_000, 8_000), CallOutcome.OK, Optional.empty()));
        }
    }

    @Test
    void oneOfSomethingIsSingular() throws Exception {
        oneCall();
        assertThat(cli.run("cost").out()).contains(" in 1 call\n").doesNotContain("1 calls");
        assertThat(cli.run("cost", "--summary").out()).contains("- Sonnet usage: 1 task, $0.17")
                .contains("- Opus usage: 0 tasks, $0.00");
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: only-one
                    title: Only one
                    agent: engineer-backend
                    description: The only task.
                    acceptance: [it is done]
                """);
        assertThat(cli.run("plan", "check", "plan.yaml").out()).contains("plan.yaml: 1 task, valid.").doesNotContain("1 tasks");
    }

    @Test
    void aMissingPlanIsNamedOnceWithWhatIsWrong() {
        Cli.Result result = cli.run("run", "--plan", "nosuch.yaml");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("cannot read the plan ").contains("nosuch.yaml: no such file");
        assertThat(Pattern.compile("nosuch\\.yaml").matcher(result.err()).results().count()).as(result.err()).isEqualTo(1);
    }

    @Test
    void costOfAnUnknownRunIsBadInputLikeStatus() {
        oneCall();
        Cli.Result cost = cli.run("cost", "--run", "nosuchrun");
        assertThat(cost.exitCode()).isEqualTo(2);
        assertThat(cost.err()).contains("no run 'nosuchrun'");
        assertThat(cli.run("cost", "--run", "r1").exitCode()).as("a run the ledger knows").isZero();
    }

    @Test
    void anUnknownCommandListsTheCommands() {
        Cli.Result result = cli.run("stauts");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown command 'stauts'").contains("status").contains("review")
                .contains("budget").doesNotContain("Unmatched argument").doesNotContain("guard");

        Cli.Result none = cli.run();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("say which command to run; the commands are: help, init, ").contains("doctor")
                .contains("`kleiber demo` shows a whole run and needs no key").doesNotContain("guard");
    }

    @Test
    void configChecksTheProjectsRoutingPolicy() throws Exception {
        Files.createDirectories(repo.resolve(".kleiber"));
        Files.writeString(repo.resolve(".kleiber/policy.yaml"), "rules:\n  - {id: boilerplate.logging, enabeld: false}\n");

        Cli.Result result = cli.run("config");

        assertThat(result.exitCode()).as(result.out()).isEqualTo(2);
        assertThat(result.err()).contains(".kleiber/policy.yaml line 2").contains("enabeld");

        // the README's override example, under rules:, is accepted as the README shows it
        Matcher block = Pattern.compile("```yaml\n# \\.kleiber/policy\\.yaml\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("README.md")));
        assertThat(block.find()).as("the README's policy.yaml example").isTrue();
        assertThat(block.group(1)).startsWith("rules:\n");
        Files.writeString(repo.resolve(".kleiber/policy.yaml"), block.group(1));
        Cli.Result example = cli.run("config");
        assertThat(example.exitCode()).as(example.err()).isZero();
    }

    @Test
    void aPauseIsPrintedWithTheSameAmountEverywhere() {
        StringWriter alert = new StringWriter();
        LedgerSettings settings = LedgerSettings.of(new CliContext(repo, Map.of(), clock), Optional.empty());
        BudgetExceededException refused;
        try (Store store = Store.open(settings.store(), clock)) {
            BudgetGuard guard = new BudgetGuard(store, settings.prices(), settings.limits(), clock,
                    store.leases().acquire("conductor", Duration.ofMinutes(5)), settings.alerts(new PrintWriter(alert, true)));
            // 201,070 input tokens at $3 a million: $0.60321, which rounds to $0.6032 (half up) or $0.6033 (up)
            guard.reserve(new CallContext("r1", "a", 1, "engineer-backend", Tier.SONNET), "claude-sonnet-4-5", 16_500_000, 0);
            refused = catchThrowableOfType(BudgetExceededException.class, () -> guard.reserve(
                    new CallContext("r1", "b", 1, "engineer-backend", Tier.SONNET), "claude-sonnet-4-5", 201_070, 0));
        }
        Cli.Result budget = cli.run("budget");

        assertThat(refused).isNotNull();
        String requested = amountAfter("this call needs up to ", refused.getMessage());
        assertThat(amountAfter("next call needs up to ", alert.toString())).isEqualTo(requested);
        assertThat(amountAfter("would be passed by a call of ", budget.out())).isEqualTo(requested);
        assertThat(requested).isEqualTo("$0.6032");
    }

    private static String amountAfter(String prefix, String text) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "(\\$[0-9.]*[0-9])").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }
}
