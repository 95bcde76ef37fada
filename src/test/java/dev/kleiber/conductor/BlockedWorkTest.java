package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.routing.Roles;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.kleiber.conductor.Turns.JSON;
import static dev.kleiber.conductor.Turns.answer;
import static dev.kleiber.conductor.Turns.blocked;
import static dev.kleiber.conductor.Turns.complete;
import static dev.kleiber.conductor.Turns.escalation;
import static dev.kleiber.conductor.Turns.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocked work reaching the conductor, end to end through the commands on a real git repository holding the
 * Node sample, whose real tests are the validation command; agents and the conductor replay a script.
 */
class BlockedWorkTest {
    @TempDir
    Path tmp;

    @Test
    void theConductorRePlansAddsADependencyEscalatesAndAsksAPersonWhoseAnswerItTakes() throws Exception {
        Path repo = sampleProject();
        Cli cli = cli(repo);
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: carrier-rates
                    title: Carrier rates
                    agent: engineer-backend
                    description: Add shipping rates from the carrier's rate table.
                    acceptance: [rates for every destination]
                    priority: p1
                    model: sonnet
                  - id: rate-quote
                    title: Rate quote
                    agent: engineer-backend
                    description: Add src/services/quote.js quoting a book's price with shipping, formatted in dollars.
                    acceptance: [quotes price plus shipping in dollars]
                    priority: p1
                    model: sonnet
                  - id: tax-note
                    title: Tax note
                    agent: engineer-frontend
                    description: Add a tax note label in src/frontend/taxNote.js.
                    acceptance: [says prices include tax]
                    priority: p2
                    model: haiku
                  - id: gift-wrap
                    title: Gift wrap label
                    agent: engineer-frontend
                    description: Add a gift wrap price label in src/frontend/giftWrap.js.
                    acceptance: [labels the gift wrap price]
                    priority: p2
                    model: haiku
                  - id: ship-policy
                    title: Shipping policy
                    agent: engineer-backend
                    description: Add the shipping policy check in src/services/shipPolicy.js.
                    acceptance: [refuses destinations we do not ship to]
                    priority: p2
                    model: sonnet
                """);
        Turns s = new Turns();
        s.turn("carrier-rates", "", blocked("unclear_requirements", "Which carrier's rate table? None is in the repository.",
                "Name the carrier or give the rates"));
        ObjectNode revised = JSON.createObjectNode();
        revised.put("description", "Add src/services/rates.js exporting shippingRate(weightKg): a flat table, 500 cents "
                + "plus 200 cents per kg; no carrier.");
        revised.putArray("acceptance").add("shippingRate(2) is 900");
        s.turn("conductor/carrier-rates", "", answer(decision("replan", "No carrier is chosen yet; a flat table will do.")
                .set("revised_task", revised)));
        s.turn("carrier-rates", "I will add src/services/rates.js.", write("src/services/rates.js",
                "export function shippingRate(weightKg) {\n  return 500 + 200 * weightKg;\n}\n"), write("src/services/rates.test.js", """
                import { test } from 'node:test';
                import assert from 'node:assert/strict';
                import { shippingRate } from './rates.js';

                test('flat rate', () => {
                  assert.equal(shippingRate(2), 900);
                });
                """));
        s.turn("carrier-rates", "", complete("Added the flat shipping rate."));

        s.turn("rate-quote", "", blocked("dependency", "A dollar formatter in src/services/currency.js is needed and missing.",
                "A task that adds src/services/currency.js"));
        ObjectNode dependency = JSON.createObjectNode();
        dependency.put("id", "currency-util").put("title", "Currency formatter").put("agent", "engineer-backend")
                .put("description", "Add src/services/currency.js exporting toDollars(cents).").put("priority", "p1");
        dependency.putArray("acceptance").add("toDollars(1250) is $12.50");
        dependency.putArray("depends_on");
        ObjectNode addTask = decision("replan", "The quote needs a currency formatter first.");
        addTask.putArray("new_tasks").add(dependency);
        s.turn("conductor/rate-quote", "", answer(addTask));
        s.turn("currency-util", "I will add src/services/currency.js.", write("src/services/currency.js",
                "export function toDollars(cents) {\n  return '$' + (cents / 100).toFixed(2);\n}\n"));
        s.turn("currency-util", "", complete("Added toDollars."));
        s.turn("rate-quote", "I will add src/services/quote.js using currency.js.", write("src/services/quote.js", """
                import { toDollars } from './currency.js';

                export function quote(priceCents, shippingCents) {
                  return toDollars(priceCents + shippingCents);
                }
                """), write("src/services/quote.test.js", """
                import { test } from 'node:test';
                import assert from 'node:assert/strict';
                import { quote } from './quote.js';

                test('quotes price plus shipping in dollars', () => {
                  assert.equal(quote(1000, 250), '$12.50');
                });
                """));
        s.turn("rate-quote", "", complete("Added the quote."));

        s.turn("tax-note", "", blocked("technical", "I cannot tell which tax wording the storefront needs.",
                "A stronger model to decide the wording"));
        s.turn("conductor/tax-note", "", answer(decision("escalate", "Wording for a legal note needs care.")
                .put("learnt", "The storefront shows prices tax-included; the note must say so plainly.")));
        s.turn("tax-note", "", write("src/frontend/taxNote.js",
                "export function taxNote() {\n  return 'Prices include tax.';\n}\n"));
        s.turn("tax-note", "", complete("Added the tax note."));

        s.turn("gift-wrap", "I will add src/frontend/giftWrap.js.", write("src/frontend/giftWrap.js",
                "export function giftWrapLabel() {\n  return 'Gift wrap';\n}\n"));
        s.turn("gift-wrap", "", escalation("The wrap price depends on the box size table, which needs a design."));
        s.turn("gift-wrap", "", write("src/frontend/giftWrap.js",
                "export function giftWrapLabel(cents) {\n  return 'Gift wrap: $' + (cents / 100).toFixed(2);\n}\n"));
        s.turn("gift-wrap", "", complete("Added the gift wrap label."));

        s.turn("ship-policy", "", blocked("unclear_requirements", "Which countries do we ship to?", "The list of countries"));
        s.turn("conductor/ship-policy", "", answer(decision("ask_human", "Only the business can say where it ships.")
                .put("question", "Which countries do we ship to?")));
        Files.writeString(repo.resolve("script.jsonl"), s.text());

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("carrier-rates: answered blocked carrier-rates: re-planned (revised the task): No carrier is chosen")
                .contains("rate-quote: answered blocked rate-quote: re-planned (kept the task; added currency-util, which it now waits for)")
                .contains("currency-util: planned: engineer-backend on sonnet (added by the conductor for rate-quote)")
                .contains("tax-note: answered blocked tax-note: escalated to opus")
                .contains("gift-wrap: escalated to opus")
                .contains("ship-policy: answered blocked ship-policy: asks a person: Which countries do we ship to?")
                .contains("ship-policy is blocked, the conductor asks a person: Which countries do we ship to? "
                        + "(answer in blocked/engineer-backend/ship-policy-conflict.md)")
                .contains("5 merged, 0 awaiting review, 1 blocked, 0 failed, 0 not started");
        Cli.Result status = cli.run("status");
        assertThat(status.out()).contains("blocked: ship-policy (blocked/engineer-backend/ship-policy-conflict.md); "
                + "the conductor asks a person: Which countries do we ship to?");
        Map<String, JsonNode> tasks = status(cli);
        assertThat(tasks.keySet()).contains("currency-util");
        assertThat(tasks.get("carrier-rates").path("state").asText()).isEqualTo("merged");
        assertThat(tasks.get("tax-note").path("model").asText()).isEqualTo("opus");
        assertThat(tasks.get("gift-wrap").path("model").asText()).isEqualTo("opus");
        assertThat(tasks.get("ship-policy").path("state").asText()).isEqualTo("blocked");

        // the re-planned task ran on its revised description; the old one stays in its context
        assertThat(repo.resolve("tasks/engineer-backend/carrier-rates.md")).content()
                .contains("flat table, 500 cents").contains("Before re-planning, the description was: Add shipping rates")
                .contains("The conductor answered the blocked file");
        // the added dependency merged before the task that waits for it
        List<String> merges = GitRepos.git(repo, "log", "main", "--merges", "--reverse",
                "--format=%(trailers:key=Kleiber-Task,valueonly)").lines().filter(l -> !l.isBlank()).toList();
        assertThat(merges).containsOnlyOnce("currency-util", "rate-quote");
        assertThat(merges.indexOf("currency-util")).isLessThan(merges.indexOf("rate-quote"));
        // both escalations restarted on opus with what was learnt in the task file's feedback
        assertThat(repo.resolve("tasks/engineer-frontend/tax-note.md")).content().contains("Model: opus")
                .contains("restarting the task on opus").contains("prices tax-included");
        assertThat(repo.resolve("tasks/engineer-frontend/gift-wrap.md")).content().contains("Model: opus")
                .contains("A previous attempt on haiku asked for a stronger model")
                .contains("What it learnt: The wrap price depends on the box size table")
                .contains("src/frontend/giftWrap.js (created)");
        // the answers are in the blocked files, which stay valid protocol files
        assertThat(blockedFile(repo, "engineer-backend", "carrier-rates").extraSections())
                .anyMatch(x -> x.heading().equals("Answer From Conductor") && x.body().contains("Re-planned"));
        assertThat(blockedFile(repo, "engineer-backend", "ship-policy").extraSections())
                .anyMatch(x -> x.body().contains("Asked a person: Which countries do we ship to?"));
        // the conductor's calls are ledgered on the task they answered and logged as the conductor's sessions
        Map<String, Integer> calls = calls(cli);
        assertThat(calls).containsEntry("carrier-rates", 4).containsEntry("ship-policy", 2);
        assertThat(Files.readString(repo.resolve("orchestration_log.md")).lines()
                .filter(l -> l.contains("| conductor | carrier-rates | opus |"))).hasSize(1);

        // a person answers the question by rewriting the blocked file; the conductor takes it on resume
        Files.writeString(repo.resolve("blocked/engineer-backend/ship-policy-conflict.md"), """
                # Blocked: ship-policy
                Agent: engineer-backend
                Blocked Since: %s
                Type: unclear_requirements

                ## Problem
                Which countries do we ship to?

                ## Attempted Solutions
                1. Asked the business

                ## Need From Conductor
                We ship to the US and Canada only (codes US, CA).
                """.formatted(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)));
        Turns again = new Turns();
        ObjectNode policy = JSON.createObjectNode().put("description",
                "Add src/services/shipPolicy.js exporting shipsTo(code): true for US and CA only.");
        again.turn("conductor/ship-policy", "", answer(decision("replan", "A person named the countries.")
                .set("revised_task", policy)));
        again.turn("ship-policy", "", write("src/services/shipPolicy.js",
                "export function shipsTo(code) {\n  return code === 'US' || code === 'CA';\n}\n"));
        again.turn("ship-policy", "", complete("Added the shipping policy."));
        Files.writeString(repo.resolve("script2.jsonl"), again.text());

        Cli.Result resume = cli.run("resume", "--script", "script2.jsonl");

        assertThat(resume.exitCode()).as(resume.out() + resume.err()).isZero();
        assertThat(resume.out()).contains("answered blocked ship-policy: re-planned (revised the task)")
                .contains("ship-policy: merged into main").contains("6 merged, 0 awaiting review, 0 blocked");
        assertThat(GitRepos.git(repo, "show", "main:src/services/shipPolicy.js")).contains("'CA'");
        assertNodeTestsPass(repo);
    }

    @Test
    void aMergeConflictBecomesAResolutionTaskWhoseMergeLandsTheTaskOnce() throws Exception {
        Path repo = sampleProject();
        Cli cli = cli(repo);
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: price-range
                    title: Price range
                    agent: engineer-frontend
                    description: Add formatPriceRange(low, high) to src/frontend/formatPrice.js.
                    acceptance: [formats a range of prices]
                    priority: p1
                    model: sonnet
                  - id: card-price
                    title: Card price
                    agent: engineer-frontend
                    description: Add formatCardPrice(cents) to src/frontend/formatPrice.js for the price shown on product cards.
                    acceptance: [labels the price on product cards]
                    priority: p1
                """);
        String original = Files.readString(repo.resolve("src/frontend/formatPrice.js"));
        String range = "\nexport function formatPriceRange(low, high) {\n  return formatPrice(low) + ' - ' + formatPrice(high);\n}\n";
        String card = "\nexport function formatCardPrice(cents) {\n  return 'Card: ' + formatPrice(cents);\n}\n";
        Turns s = new Turns();
        s.turn("price-range", "", write("src/frontend/formatPrice.js", original + range));
        s.turn("price-range", "", complete("Added the price range."));
        s.turn("card-price", "", write("src/frontend/formatPrice.js", original + card));
        s.turn("card-price", "", complete("Added the card price."));
        // both start from the same main; whichever merges second conflicts, and its resolution keeps both functions
        for (String task : List.of("price-range", "card-price")) {
            s.turn("resolve-" + task, "Both functions stay: I keep formatPriceRange and formatCardPrice.",
                    write("src/frontend/formatPrice.js", original + range + card));
            s.turn("resolve-" + task, "", complete("Resolved the conflict: both functions kept."));
        }
        Files.writeString(repo.resolve("script.jsonl"), s.text());

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        String conflicted = run.out().contains("card-price: blocked: merge conflict") ? "card-price" : "price-range";
        String first = conflicted.equals("card-price") ? "price-range" : "card-price";
        String resolution = "resolve-" + conflicted;
        assertThat(run.out())
                .contains(conflicted + ": blocked: merge conflict, see blocked/engineer-frontend/" + conflicted + "-conflict.md")
                .contains(conflicted + ": answered blocked " + conflicted + ": merge conflict in src/frontend/formatPrice.js; "
                        + "resolution task " + resolution + " (engineer-frontend on ")
                .contains(resolution + ": merged into main")
                .contains(conflicted + ": merged (found on main)")
                .contains("3 merged, 0 awaiting review, 0 blocked, 0 failed, 0 not started");
        String resolutionBranch = TaskIds.branch("feature", resolution, "Resolve merge conflict of " + conflicted);
        String conflictMerge = GitRepos.git(repo, "log", "--format=%H", "--grep=conflicts left for the agent",
                resolutionBranch).strip();
        assertThat(GitRepos.git(repo, "show", conflictMerge + ":src/frontend/formatPrice.js"))
                .contains("<<<<<<<").contains("formatPriceRange").contains("formatCardPrice");
        assertThat(repo.resolve("tasks/engineer-frontend/" + resolution + ".md")).content()
                .contains("conflicted in: src/frontend/formatPrice.js").contains("task " + conflicted);

        // the task's work reached main once, through its resolution; its own branch was never merged
        List<String> merges = GitRepos.git(repo, "log", "main", "--first-parent", "--merges",
                "--format=%(trailers:key=Kleiber-Task,valueonly)").lines().filter(l -> !l.isBlank()).toList();
        assertThat(merges).containsExactlyInAnyOrder(first, resolution);
        assertThat(GitRepos.git(repo, "log", "main", "--format=%(trailers:key=Kleiber-Task,valueonly)").lines())
                .contains(conflicted);
        String merged = GitRepos.git(repo, "show", "main:src/frontend/formatPrice.js");
        assertThat(merged).contains("formatPriceRange").contains("formatCardPrice").doesNotContain("<<<<<<<");
        assertThat(blockedFile(repo, "engineer-frontend", conflicted).extraSections())
                .anyMatch(x -> x.body().contains("resolution task " + resolution));
        assertThat(status(cli).values()).allMatch(t -> t.path("state").asText().equals("merged"));

        // resuming finds nothing to do: nothing runs or merges again
        Cli.Result resume = cli.run("resume", "--script", "script.jsonl");
        assertThat(resume.exitCode()).as(resume.out() + resume.err()).isZero();
        assertThat(resume.out()).doesNotContain("running:").contains("3 merged");
        assertThat(GitRepos.git(repo, "log", "main", "--first-parent", "--merges", "--format=%H").lines()).hasSize(2);
        assertNodeTestsPass(repo);
    }

    static ObjectNode decision(String decision, String reason) {
        return JSON.createObjectNode().put("decision", decision).put("reason", reason);
    }

    static BlockedFile blockedFile(Path repo, String agent, String task) throws IOException {
        String text = Files.readString(repo.resolve("blocked/" + agent + "/" + task + "-conflict.md"));
        ParseResult parsed = new ProtocolParser(Roles.BLUEPRINT).parse(text);
        assertThat(parsed).as(text).isInstanceOf(ParseResult.Parsed.class);
        return (BlockedFile) ((ParseResult.Parsed) parsed).document();
    }

    static Map<String, Integer> calls(Cli cli) throws IOException {
        JsonNode cost = JSON.readTree(cli.run("cost", "--json", "--run", statusJson(cli).path("run").asText()).out());
        Map<String, Integer> calls = new HashMap<>();
        cost.path("byTask").forEach(line -> calls.merge(line.path("task").asText(), line.path("calls").asInt(), Integer::sum));
        return calls;
    }

    static Map<String, JsonNode> status(Cli cli) throws IOException {
        Map<String, JsonNode> tasks = new HashMap<>();
        statusJson(cli).path("tasks").forEach(t -> tasks.put(t.path("id").asText(), t));
        return tasks;
    }

    private static JsonNode statusJson(Cli cli) throws IOException {
        Cli.Result status = cli.run("status", "--json");
        assertThat(status.exitCode()).as(status.err()).isZero();
        return JSON.readTree(status.out());
    }

    static void assertNodeTestsPass(Path repo) throws Exception {
        GitRepos.git(repo, "checkout", "-q", "main");
        Process tests = new ProcessBuilder("node", "--test").directory(repo.toFile()).redirectErrorStream(true).start();
        String output = new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tests.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tests.exitValue()).as(output).isZero();
    }

    static Cli cli(Path repo) {
        return new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
    }

    Path sampleProject() throws IOException {
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        Cli.Result init = new Cli(repo).run("init");
        assertThat(init.exitCode()).as(init.err()).isZero();
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]"));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");
        return repo;
    }
}
