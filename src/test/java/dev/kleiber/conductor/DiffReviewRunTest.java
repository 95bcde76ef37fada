package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diff trigger end to end: two tasks whose texts route to Sonnet without review; the agent of one writes
 * under src/auth/. That one passes validation and stops at awaiting_review with the path and glob as the reason;
 * the other merges.
 */
class DiffReviewRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static final String PLAN = """
            tasks:
              - id: last-seen
                title: Last seen formatter
                agent: engineer-backend
                description: Add a formatter that prints how long ago a user was last seen.
                acceptance: [prints minutes for less than an hour]
                priority: p1
              - id: cents-format
                title: Cents formatter
                agent: engineer-backend
                description: Add a formatter that prints cents as dollars with two decimals.
                acceptance: [prints 1250 as 12.50]
                priority: p1
            """;

    @Test
    void aSonnetTaskWhoseDiffTouchesSrcAuthStopsAtReviewWithTheReasonWhileTheOtherMerges() throws Exception {
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]"));
        // this project lets its backend engineer write its auth code
        Path backend = repo.resolve(".kleiber/agents/engineer-backend.md");
        Files.writeString(backend, Files.readString(backend).replace("write: [\"src/backend/**\"",
                "write: [\"src/auth/**\", \"src/backend/**\""));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        Turns s = new Turns();
        s.turn("last-seen", Tier.SONNET, "I will add src/auth/lastSeen.js.",
                Turns.write("src/auth/lastSeen.js", "export function lastSeen(minutes) {\n  return minutes + ' min ago';\n}\n"),
                Turns.write("src/auth/lastSeen.test.js", """
                        import { test } from 'node:test';
                        import assert from 'node:assert/strict';
                        import { lastSeen } from './lastSeen.js';

                        test('prints minutes for less than an hour', () => {
                          assert.equal(lastSeen(5), '5 min ago');
                        });
                        """));
        s.turn("last-seen", Tier.SONNET, "", Turns.complete("Added the last-seen formatter."));
        s.turn("cents-format", Tier.SONNET, "I will add src/services/cents.js.",
                Turns.write("src/services/cents.js", "export function cents(value) {\n  return (value / 100).toFixed(2);\n}\n"));
        s.turn("cents-format", Tier.SONNET, "", Turns.complete("Added the cents formatter."));
        Files.writeString(repo.resolve("script.jsonl"), s.text());
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", "1", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("last-seen: the diff needs review: the change touches src/auth/lastSeen.js "
                + "(auth: src/auth/**)");
        Cli.Result status = cli.run("status", "--json");
        Map<String, JsonNode> tasks = new HashMap<>();
        JSON.readTree(status.out()).path("tasks").forEach(t -> tasks.put(t.path("id").asText(), t));
        assertThat(tasks.get("last-seen").path("state").asText()).isEqualTo("awaiting_review");
        assertThat(tasks.get("last-seen").path("model").asText()).isEqualTo("sonnet");
        assertThat(tasks.get("cents-format").path("state").asText()).isEqualTo("merged");
        Cli.Result show = cli.run("review", "show", "last-seen");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("diff.sensitive-path: the change touches src/auth/lastSeen.js (auth: src/auth/**)");
        Path report = repo.resolve("reports/last-seen-validation.md");
        assertThat(show.out()).contains(Files.readString(report).lines().findFirst().orElseThrow());
        // the report shown to the reviewer (and served to read tokens) is never read through a link
        Path secret = Files.writeString(tmp.resolve("home-secret.md"), "ANTHROPIC_API_KEY=sk-ant-api03-never-shown\n");
        Files.delete(report);
        Files.createSymbolicLink(report, secret);
        assertThat(cli.run("review", "show", "last-seen").out()).doesNotContain("never-shown")
                .contains("(no validation report at reports/last-seen-validation.md)");
        Path reports = repo.resolve("reports");
        Path moved = Files.move(reports, tmp.resolve("reports-elsewhere"));
        Files.delete(moved.resolve("last-seen-validation.md"));
        Files.copy(secret, moved.resolve("last-seen-validation.md"));
        Files.createSymbolicLink(reports, moved);
        assertThat(cli.run("review", "show", "last-seen").out()).doesNotContain("never-shown")
                .contains("(no validation report at reports/last-seen-validation.md)");
        assertThat(GitRepos.git(repo, "ls-tree", "-r", "--name-only", "main")).contains("src/services/cents.js")
                .doesNotContain("src/auth/lastSeen.js");

        // both routes and outcomes are recorded for route stats and learning
        Cli.Result stats = cli.run("route", "stats", "--json");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        JsonNode json = JSON.readTree(stats.out());
        assertThat(json.path("tasks").asInt()).isEqualTo(2);
        assertThat(json.path("byTier").get(0).path("name").asText()).isEqualTo("sonnet");
        assertThat(json.path("byTier").get(0).path("firstAttemptPassRate").asDouble()).isEqualTo(1.0);
        assertThat(json.path("byTier").get(0).path("costUsd").decimalValue()).isPositive();
        assertThat(json.path("learning").path("enabled").asBoolean()).isTrue();
        assertThat(cli.run("route", "stats").out()).contains("Routing outcomes of the last 2 tasks").contains("Per rule:")
                .contains("role.default");
    }
}
