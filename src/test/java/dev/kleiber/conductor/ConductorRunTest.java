package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole run through the commands, on a real git repository holding a small Node project whose real tests
 * are the validation command: agents replay a script, commands run under bwrap, merges are real.
 */
class ConductorRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aSixTaskPlanRunsValidatesWaitsForReviewMergesAndResumes() throws Exception {
        Path repo = sampleProject();
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        Files.writeString(repo.resolve("script.jsonl"), script());

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("slug-util: retrying on sonnet: Validation failed")
                .contains("payment-refund waits for a person: `kleiber review show payment-refund`")
                .contains("shipping-rates: answered blocked shipping-rates: asks a person: Which carrier's rate table should shipping use?")
                .contains("shipping-rates is blocked, the conductor asks a person: Which carrier's rate table should shipping use? "
                        + "(answer in blocked/engineer-backend/shipping-rates-conflict.md)")
                .contains("refund-docs waits for payment-refund (awaiting_review)")
                .contains("run run-").contains("3 merged, 1 awaiting review, 1 blocked, 0 failed, 1 not started");
        Map<String, JsonNode> tasks = status(cli);
        assertThat(tasks.get("slug-util").path("state").asText()).isEqualTo("merged");
        assertThat(tasks.get("slug-util").path("attempt").asInt()).isEqualTo(2);
        assertThat(tasks.get("slug-util").path("model").asText()).isEqualTo("sonnet");
        assertThat(tasks.get("payment-refund").path("state").asText()).isEqualTo("awaiting_review");
        assertThat(tasks.get("payment-refund").path("model").asText()).isEqualTo("opus");
        assertThat(tasks.get("shipping-rates").path("state").asText()).isEqualTo("blocked");
        assertThat(tasks.get("refund-docs").path("state").asText()).isEqualTo("planned");
        assertThat(tasks.get("slug-util").path("costUsd").decimalValue()).isPositive();
        JsonNode waiting = statusJson(cli).path("waitingForPerson");
        String runId = waiting.path(0).path("run").asText();
        assertThat(runId).startsWith("run-");
        assertThat(waiting.toString()).isEqualTo("[{\"task\":\"payment-refund\",\"run\":\"" + runId + "\",\"for\":\"review\","
                + "\"how\":\"kleiber review show payment-refund\"},{\"task\":\"shipping-rates\",\"run\":\"" + runId
                + "\",\"for\":\"blocked\","
                + "\"file\":\"blocked/engineer-backend/shipping-rates-conflict.md\","
                + "\"question\":\"Which carrier's rate table should shipping use?\"}]");

        // spend is told as it happens: one SessionBilled per billed call, before its attempt ended, summing to the ledger
        try (dev.kleiber.store.Store store = dev.kleiber.store.Store.open(new dev.kleiber.store.StoreUrl.Sqlite(
                repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            List<RunEvent.SessionBilled> billed = store.runEvents().after(runId, 0, 1000).stream()
                    .filter(e -> e.kind().equals("SessionBilled"))
                    .map(e -> (RunEvent.SessionBilled) RunEventJson.read(e.json())).toList();
            // the agents' calls: attempt 0 is the conductor answering a blocked file, not an agent's session
            long calls = store.database().read(tx -> tx.number(
                    "SELECT COUNT(*) FROM ledger WHERE run_id = ? AND attempt > 0", runId));
            long pusd = store.database().read(tx -> tx.number(
                    "SELECT SUM(cost_pusd) FROM ledger WHERE run_id = ? AND attempt > 0", runId));
            assertThat(billed).hasSizeGreaterThan(5).allSatisfy(b -> assertThat(b.calls()).isEqualTo(1));
            assertThat(billed.stream().mapToLong(RunEvent.SessionBilled::calls).sum()).isEqualTo(calls);
            assertThat(billed.stream().map(RunEvent.SessionBilled::costUsd).reduce(java.math.BigDecimal.ZERO,
                    java.math.BigDecimal::add)).isEqualByComparingTo(java.math.BigDecimal.valueOf(pusd).movePointLeft(12));
        }

        // validation failed on the first attempt with node's own output, passed on the second
        assertThat(repo.resolve("reports/slug-util-validation.md")).content().contains("slug-util").contains("pass");
        assertThat(git(repo, "show", "main:src/services/slugify.js")).contains("toLowerCase");
        assertThat(repo.resolve("tasks/engineer-backend/slug-util.md")).content()
                .contains("Feedback from the previous attempt").contains("Validation failed");

        Cli.Result review = cli.run("review");
        assertThat(review.out()).contains("payment-refund").contains("feature/payment-refund-refund-card-payments");
        Cli.Result show = cli.run("review", "show", "payment-refund");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("forced.").contains("src/services/refunds.js").contains("refundAmount")
                .contains("## Validation");

        // an approval covers only the commit that was reviewed
        String branch = "refs/heads/feature/payment-refund-refund-card-payments";
        String validated = git(repo, "rev-parse", branch).strip();
        String moved = git(repo, "commit-tree", "-p", validated, "-m", "sneaked in", validated + "^{tree}").strip();
        git(repo, "update-ref", branch, moved);
        Cli.Result refused = cli.run("approve", "payment-refund");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("moved from " + validated.substring(0, 12));
        git(repo, "update-ref", branch, validated);

        Cli.Result approve = cli.run("approve", "payment-refund");
        assertThat(approve.exitCode()).as(approve.err()).isZero();
        assertThat(git(repo, "show", "main:src/services/refunds.js")).contains("refundAmount");

        Cli.Result resume = cli.run("resume", "--script", "script.jsonl");
        assertThat(resume.exitCode()).as(resume.out() + resume.err()).isZero();
        assertThat(resume.out()).contains("refund-docs: merged into main")
                .contains("5 merged, 0 awaiting review, 1 blocked");

        // the final repository: every merged task exactly once, with its trailers, and the project's tests pass
        List<String> mergedTasks = git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Task,valueonly)")
                .lines().filter(l -> !l.isBlank()).sorted().toList();
        assertThat(mergedTasks).containsExactly("book-search", "payment-refund", "price-label", "refund-docs", "slug-util");
        assertThat(git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Attempt,valueonly)"))
                .contains("2");
        assertThat(git(repo, "show", "main:docs/refunds.md")).contains("Refunds");
        assertThat(git(repo, "ls-tree", "-r", "--name-only", "main")).doesNotContain("src/services/shippingRates.js");
        Process tests = new ProcessBuilder("node", "--test").directory(repo.toFile()).redirectErrorStream(true).start();
        String testOutput = new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tests.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tests.exitValue()).as(testOutput).isZero();
        assertThat(git(repo, "worktree", "list")).doesNotContain("slug-util").doesNotContain("payment-refund")
                .doesNotContain("shipping-rates");

        // protocol files
        assertThat(repo.resolve("complete/engineer-backend/slug-util-done.md")).content().contains("Model Used: sonnet");
        assertThat(repo.resolve("progress/engineer-frontend/price-label-started.md")).exists();
        assertThat(repo.resolve("blocked/engineer-backend/shipping-rates-conflict.md")).content()
                .contains("Type: unclear_requirements").contains("Which carrier");
        assertThat(repo.resolve("tasks/engineer-backend/payment-refund.md")).content().contains("Model: opus");

        // the project's memory
        String log = Files.readString(repo.resolve("orchestration_log.md"));
        assertThat(log.lines().filter(l -> l.contains("| slug-util |"))).hasSize(2);
        assertThat(log.lines().filter(l -> l.contains("| payment-refund |") && l.contains("| opus |"))).hasSize(1);
        assertThat(log).contains("## Daily Summary:").contains("- Total tasks: 6");
        String changelog = Files.readString(repo.resolve("CHANGELOG.md"));
        assertThat(changelog).contains("slug-util").contains("book-search").contains("price-label")
                .contains("payment-refund").contains("refund-docs").doesNotContain("shipping-rates");
        assertThat(repo.resolve("PROGRESS.md")).content().contains("run-");

        // the ledger: each call once, per task and attempt
        Cli.Result cost = cli.run("cost", "--json", "--run", statusJson(cli).path("run").asText());
        assertThat(statusJson(cli).path("budget").path("spentUsd").decimalValue()).isPositive();
        JsonNode byTask = JSON.readTree(cost.out()).path("byTask");
        Map<String, Integer> calls = new HashMap<>();
        byTask.forEach(line -> calls.put(line.path("task").asText(), line.path("calls").asInt()));
        assertThat(calls).containsEntry("slug-util", 4).containsEntry("payment-refund", 2)
                .containsEntry("shipping-rates", 2).containsEntry("refund-docs", 2);
        assertThat(cost.exitCode()).isZero();

        // a resume with nothing to do is not a session: the log and PROGRESS.md stay as they are
        String progress = Files.readString(repo.resolve("PROGRESS.md"));
        Cli.Result idle = cli.run("resume", "--script", "script.jsonl");
        assertThat(idle.exitCode()).as(idle.out() + idle.err()).isZero();
        assertThat(idle.out()).doesNotContain("running:");
        assertThat(repo.resolve("orchestration_log.md")).hasContent(log);
        assertThat(repo.resolve("PROGRESS.md")).hasContent(progress);
    }

    private static Map<String, JsonNode> status(Cli cli) throws IOException {
        Map<String, JsonNode> tasks = new HashMap<>();
        statusJson(cli).path("tasks").forEach(t -> tasks.put(t.path("id").asText(), t));
        return tasks;
    }

    private static JsonNode statusJson(Cli cli) throws IOException {
        Cli.Result status = cli.run("status", "--json");
        assertThat(status.exitCode()).as(status.err()).isZero();
        return JSON.readTree(status.out());
    }

    private Path sampleProject() throws IOException {
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        Cli.Result init = new Cli(repo).run("init");
        assertThat(init.exitCode()).as(init.err()).isZero();
        String config = Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]")
                .replace("workers: 3", "workers: 2");
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), config);
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "the sample shop under kleiber");
        return repo;
    }

    private static String git(Path repo, String... args) {
        return GitRepos.git(repo, args);
    }

    static final String PLAN = """
            tasks:
              - id: slug-util
                title: Slugify utility
                agent: engineer-backend
                description: Add a slugify utility function for book titles in src/services/slugify.js.
                acceptance: [slugify lower-cases and joins words with hyphens, a unit test covers it]
                priority: p1
                model: sonnet
              - id: price-label
                title: Price label
                agent: engineer-frontend
                description: Add a price label formatter for the shop page in src/frontend/priceLabel.js.
                acceptance: [formats cents as a dollar label]
                priority: p2
              - id: book-search
                title: Book search
                agent: engineer-backend
                description: Add a search service over the catalog that matches slugified titles.
                acceptance: [finds books by any word of their title]
                depends_on: [slug-util]
                priority: p1
              - id: payment-refund
                title: Refund card payments
                agent: engineer-backend
                description: Add a refund handler for card payment processing that never refunds more than was paid.
                acceptance: [refunds at most the amount paid]
                priority: p0
              - id: shipping-rates
                title: Shipping rates
                agent: engineer-backend
                description: Add shipping rates from the carrier's rate table.
                acceptance: [rates for every destination]
                priority: p2
              - id: refund-docs
                title: Refund docs
                agent: scribe
                description: Document the refund handler in docs/refunds.md.
                acceptance: [docs/refunds.md explains when a refund is refused]
                depends_on: [payment-refund]
                priority: p2
            """;

    private static final String SLUGIFY_TEST = """
            import { test } from 'node:test';
            import assert from 'node:assert/strict';
            import { slugify } from './slugify.js';

            test('slugify lower-cases and joins words with hyphens', () => {
              assert.equal(slugify(' The Name of the Wind '), 'the-name-of-the-wind');
            });
            """;

    private static String script() {
        Turns s = new Turns();
        // slug-util: the first attempt forgets to lower-case; validation (node --test) fails; the retry fixes it
        s.turn("slug-util", Tier.SONNET, "I will add src/services/slugify.js and src/services/slugify.test.js.",
                Turns.write("src/services/slugify.js", "export function slugify(title) {\n  return title.trim().replace(/[^A-Za-z0-9]+/g, '-');\n}\n"),
                Turns.write("src/services/slugify.test.js", SLUGIFY_TEST));
        s.turn("slug-util", Tier.SONNET, "", Turns.complete("Added slugify."));
        s.turn("slug-util", Tier.SONNET, "The test shows I must lower-case; fixing src/services/slugify.js.",
                Turns.write("src/services/slugify.js", "export function slugify(title) {\n  return title.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');\n}\n"));
        s.turn("slug-util", Tier.SONNET, "", Turns.complete("Added slugify, lower-casing titles."));
        s.turn("price-label", Tier.HAIKU, "I will add src/frontend/priceLabel.js.",
                Turns.write("src/frontend/priceLabel.js", "export function formatPriceLabel(cents) {\n  return 'Price: $' + (cents / 100).toFixed(2);\n}\n"),
                Turns.write("src/frontend/priceLabel.test.js", """
                        import { test } from 'node:test';
                        import assert from 'node:assert/strict';
                        import { formatPriceLabel } from './priceLabel.js';

                        test('formats cents as a dollar label', () => {
                          assert.equal(formatPriceLabel(1250), 'Price: $12.50');
                        });
                        """));
        s.turn("price-label", Tier.HAIKU, "", Turns.complete("Added the price label."));
        s.turn("book-search", Tier.SONNET, "I will add src/services/bookSearch.js using slugify.",
                Turns.write("src/services/bookSearch.js", """
                        import { slugify } from './slugify.js';

                        export function searchBooks(books, query) {
                          const wanted = slugify(query);
                          return books.filter((book) => slugify(book.title).includes(wanted));
                        }
                        """),
                Turns.write("src/services/bookSearch.test.js", """
                        import { test } from 'node:test';
                        import assert from 'node:assert/strict';
                        import { searchBooks } from './bookSearch.js';

                        test('finds books by any word of their title', () => {
                          const books = [{ title: 'The Name of the Wind' }, { title: 'Dune' }];
                          assert.deepEqual(searchBooks(books, 'WIND'), [books[0]]);
                        });
                        """));
        s.turn("book-search", Tier.SONNET, "", Turns.complete("Added book search."));
        s.turn("payment-refund", Tier.OPUS, "I will add src/services/refunds.js.",
                Turns.write("src/services/refunds.js", """
                        export function refundAmount(paidCents, requestedCents) {
                          if (requestedCents > paidCents) {
                            throw new Error('a refund cannot exceed the payment');
                          }
                          return requestedCents;
                        }
                        """),
                Turns.write("src/services/refunds.test.js", """
                        import { test } from 'node:test';
                        import assert from 'node:assert/strict';
                        import { refundAmount } from './refunds.js';

                        test('refunds at most the amount paid', () => {
                          assert.equal(refundAmount(500, 200), 200);
                          assert.throws(() => refundAmount(500, 900));
                        });
                        """));
        s.turn("payment-refund", Tier.OPUS, "", Turns.complete("Added the refund rule.", "Chose to throw over clamping because a silent partial refund hides errors"));
        s.turn("shipping-rates", Tier.SONNET, "", Turns.blocked("unclear_requirements", "Which carrier's rate table? None is in the repository.",
                "Name the carrier and where its rate table lives"));
        ObjectNode question = JSON.createObjectNode().put("decision", "ask_human")
                .put("reason", "Only the business can choose the carrier.")
                .put("question", "Which carrier's rate table should shipping use?");
        s.turn("conductor/shipping-rates", Tier.OPUS, "", Turns.answer(question));
        s.turn("refund-docs", Tier.HAIKU, "I will write docs/refunds.md.",
                Turns.write("docs/refunds.md", "# Refunds\n\nA refund larger than the payment is refused.\n"));
        s.turn("refund-docs", Tier.HAIKU, "", Turns.complete("Documented refunds."));
        return s.text();
    }
}
