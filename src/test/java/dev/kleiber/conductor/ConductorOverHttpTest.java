package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.testutil.FakeApiRun;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.kleiber.testutil.FakeApiRun.blocked;
import static dev.kleiber.testutil.FakeApiRun.complete;
import static dev.kleiber.testutil.FakeApiRun.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber run "REQUEST"} end to end with the official SDK speaking HTTP and SSE to the local fake Messages
 * API: the conductor plans five tasks across roles, the architect approves, one task fails validation (the
 * sample's real {@code node --test}) and passes on retry, a forced-review task waits for a person, one task is
 * blocked; the final repository, protocol files, orchestration log, changelog and ledger are checked.
 */
class ConductorOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FakeUsage USAGE = new FakeUsage(2000, 300, 0, 0, 0);

    @TempDir
    Path tmp;

    @Test
    void aFivetaskRequestIsPlannedRunValidatedReviewedAndMergedOverTheWire() throws Exception {
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        Cli plain = new Cli(repo);
        assertThat(plain.run("init").exitCode()).isZero();
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]"));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");

        FakeApiRun fake = agentTurns(new FakeApiRun(PLAN, USAGE));
        try (FakeMessagesApi api = FakeMessagesApi.start("sk-ant-test-key")) {
            api.respondWith(fake::answer);
            Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH"),
                    "ANTHROPIC_API_KEY", "sk-ant-test-key", "ANTHROPIC_BASE_URL", api.baseUrl().toString()), Clock.systemUTC()));

            Cli.Result run = cli.run("run", "Let customers search books, see price labels, get refunds and shipping rates",
                    "--workers", "3");

            assertThat(fake.unexpected()).isEmpty();
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).doesNotContain("SCRIPTED")
                    .contains("plan approved after 1 review round")
                    .contains("payment-refund: planned: engineer-backend on opus, human review required")
                    .contains("slug-util: retrying on sonnet: Validation failed")
                    .contains("payment-refund waits for a person")
                    .contains("shipping-rates is blocked, the conductor asks a person: Which carrier's rate table")
                    .contains("3 merged, 1 awaiting review, 1 blocked, 0 failed, 0 not started");
            assertThat(api.requests()).allMatch(RecordedRequest::streaming);

            Cli.Result approve = cli.run("approve", "payment-refund");
            assertThat(approve.exitCode()).as(approve.out() + approve.err()).isZero();

            // the repository: every merged task's work on main, once, with its trailers; the real tests pass
            List<String> mergedTasks = GitRepos.git(repo, "log", "main", "--format=%(trailers:key=Kleiber-Task,valueonly)")
                    .lines().filter(l -> !l.isBlank()).distinct().sorted().toList();
            assertThat(mergedTasks).containsExactly("book-search", "payment-refund", "price-label", "slug-util");
            assertThat(GitRepos.git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Task,valueonly)")
                    .lines().filter(l -> !l.isBlank()).sorted().toList())
                    .containsExactly("book-search", "payment-refund", "price-label", "slug-util");
            assertThat(GitRepos.git(repo, "show", "main:src/services/slugify.js")).contains("toLowerCase");
            assertThat(GitRepos.git(repo, "ls-tree", "-r", "--name-only", "main")).doesNotContain("shippingRates");
            Process tests = new ProcessBuilder("node", "--test").directory(repo.toFile()).redirectErrorStream(true).start();
            String testOutput = new String(tests.getInputStream().readAllBytes());
            assertThat(tests.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(tests.exitValue()).as(testOutput).isZero();
            assertThat(GitRepos.git(repo, "worktree", "list").lines()).as("no worktree but the checkout is left").hasSize(1);

            // the protocol files
            assertThat(repo.resolve("tasks/engineer-backend/payment-refund.md")).content().contains("Model: opus");
            assertThat(repo.resolve("tasks/engineer-frontend/price-label.md")).content().contains("Model: haiku");
            assertThat(repo.resolve("complete/engineer-backend/slug-util-done.md")).content().contains("Model Used: sonnet");
            assertThat(repo.resolve("progress/engineer-frontend/price-label-started.md")).exists();
            assertThat(repo.resolve("blocked/engineer-backend/shipping-rates-conflict.md")).content()
                    .contains("Type: unclear_requirements").contains("Which carrier");
            assertThat(repo.resolve("reports/slug-util-validation.md")).content().contains("pass");

            // orchestration log, changelog, ADR
            String log = Files.readString(repo.resolve("orchestration_log.md"));
            assertThat(log.lines().filter(l -> l.contains("| slug-util |"))).hasSize(2);
            assertThat(log.lines().filter(l -> l.contains("| payment-refund |") && l.contains("| opus |"))).hasSize(1);
            assertThat(log).contains("## Daily Summary:");
            assertThat(repo.resolve("CHANGELOG.md")).content().contains("slug-util").contains("payment-refund");
            try (var decisions = Files.list(repo.resolve("docs/decisions"))) {
                assertThat(decisions.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("\\d{4}-.*\\.md"));
            }

            // the ledger counts every request the API answered, once, with the tokens the API reported
            JsonNode cost = JSON.readTree(cli.run("cost", "--json").out());
            int requests = api.requests().size();
            assertThat(cost.path("calls").asInt()).isEqualTo(requests);
            Map<String, Integer> callsByTask = new HashMap<>();
            cost.path("byTask").forEach(t -> callsByTask.merge(t.path("task").asText(), t.path("calls").asInt(), Integer::sum));
            assertThat(callsByTask).containsEntry("slug-util", 4).containsEntry("payment-refund", 2)
                    .containsEntry("shipping-rates", 2).containsEntry("price-label", 2).containsEntry("book-search", 2);
            long input = 0;
            for (JsonNode model : cost.path("byModel")) {
                input += model.path("inputTokens").asLong();
            }
            assertThat(input).isEqualTo(USAGE.input() * requests);
            assertThat(cost.path("totalUsd").decimalValue()).isPositive()
                    .isLessThan(cost.path("allOpusUsd").decimalValue());
        }
    }

    private static final String PLAN = """
            {"tasks":[
             {"id":"slug-util","title":"Slugify utility","agent":"engineer-backend","model":"sonnet",
              "description":"Add a slugify utility function for book titles in src/services/slugify.js.",
              "acceptance":["slugify lower-cases and joins words with hyphens","a unit test covers it"],
              "depends_on":[],"priority":"p1","files":["src/services/slugify.js"]},
             {"id":"price-label","title":"Price label","agent":"engineer-frontend",
              "description":"Add a price label formatter for the shop page in src/frontend/priceLabel.js.",
              "acceptance":["formats cents as a dollar label"],"depends_on":[],"priority":"p2"},
             {"id":"book-search","title":"Book search","agent":"engineer-backend",
              "description":"Add a search service over the catalog that matches slugified titles.",
              "acceptance":["finds books by any word of their title"],"depends_on":["slug-util"],"priority":"p1"},
             {"id":"payment-refund","title":"Refund card payments","agent":"engineer-backend","model":"haiku",
              "description":"Add a refund handler for card payment processing that never refunds more than was paid.",
              "acceptance":["refunds at most the amount paid"],"depends_on":[],"priority":"p0"},
             {"id":"shipping-rates","title":"Shipping rates","agent":"engineer-backend",
              "description":"Add shipping rates from the carrier's rate table.",
              "acceptance":["rates for every destination"],"depends_on":[],"priority":"p2"}
            ]}""";

    private static FakeApiRun agentTurns(FakeApiRun fake) {
        // the first attempt forgets to lower-case: the sample's real tests fail, the retry fixes it
        fake.turns("slug-util", fake.slugifyFixedOnRetry());
        fake.turns("price-label",
                fake.say("I will add src/frontend/priceLabel.js.",
                        write("src/frontend/priceLabel.js", "export function formatPriceLabel(cents) {\n  return 'Price: $' + (cents / 100).toFixed(2);\n}\n")),
                fake.say("", complete("Added the price label.")));
        fake.turns("book-search",
                fake.say("I will add src/services/bookSearch.js using slugify.",
                        write("src/services/bookSearch.js", """
                                import { slugify } from './slugify.js';

                                export function searchBooks(books, query) {
                                  const wanted = slugify(query);
                                  return books.filter((book) => slugify(book.title).includes(wanted));
                                }
                                """)),
                fake.say("", complete("Added book search.")));
        fake.turns("payment-refund",
                fake.say("I will add src/services/refunds.js.",
                        write("src/services/refunds.js", """
                                export function refundAmount(paidCents, requestedCents) {
                                  if (requestedCents > paidCents) {
                                    throw new Error('a refund cannot exceed the payment');
                                  }
                                  return requestedCents;
                                }
                                """)),
                fake.say("", complete("Added the refund rule.",
                        "Chose to throw over clamping because a silent partial refund hides errors")));
        return fake.turns("shipping-rates", fake.say("", blocked("Which carrier's rate table? None is in the repository.")));
    }
}
