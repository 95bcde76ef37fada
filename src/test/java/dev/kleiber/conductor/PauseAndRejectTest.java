package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.cli.Cli;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static dev.kleiber.conductor.BlockedWorkTest.assertNodeTestsPass;
import static dev.kleiber.conductor.BlockedWorkTest.cli;
import static dev.kleiber.conductor.BlockedWorkTest.decision;
import static dev.kleiber.conductor.BlockedWorkTest.status;
import static dev.kleiber.conductor.Turns.JSON;
import static dev.kleiber.conductor.Turns.answer;
import static dev.kleiber.conductor.Turns.complete;
import static dev.kleiber.conductor.Turns.write;
import static org.assertj.core.api.Assertions.assertThat;

/** The budget pausing a run and a person's rejection sending work back, through the commands on the Node sample. */
class PauseAndRejectTest {
    @TempDir
    Path tmp;

    @Test
    void aTinyBudgetPausesTheRunWithTasksQueuedAndARaisedBudgetResumesItWithAPersonsBlockedFileAnswered() throws Exception {
        BlockedWorkTest setup = new BlockedWorkTest();
        setup.tmp = tmp;
        Path repo = setup.sampleProject();
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("daily_usd: 50", "daily_usd: 0.001"));
        Cli cli = cli(repo);
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: returns-note
                    title: Returns note
                    agent: engineer-frontend
                    description: Add src/frontend/returnsNote.js exporting returnsNote().
                    acceptance: [returns the note]
                    priority: p1
                    model: haiku
                  - id: stock-note
                    title: Stock note
                    agent: engineer-frontend
                    description: Add src/frontend/stockNote.js exporting stockNote().
                    acceptance: [returns the note]
                    priority: p1
                    model: haiku
                """);
        Turns s = new Turns();
        s.turn("returns-note", "", write("src/frontend/returnsNote.js", "export function returnsNote() {\n  return 'Free returns';\n}\n"));
        s.turn("returns-note", "", complete("Added the returns note."));
        ObjectNode revised = JSON.createObjectNode().put("description",
                "Add src/frontend/stockNote.js exporting stockNote(n): 'Only n left' below 5, else 'In stock'.");
        s.turn("conductor/stock-note", "", answer(decision("replan", "A person gave the wording.").set("revised_task", revised)));
        s.turn("stock-note", "", write("src/frontend/stockNote.js",
                "export function stockNote(n) {\n  return n < 5 ? 'Only ' + n + ' left' : 'In stock';\n}\n"));
        s.turn("stock-note", "", complete("Added the stock note."));
        Files.writeString(repo.resolve("script.jsonl"), s.text());

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("PAUSED for budget").contains("0 merged, 0 awaiting review, 0 blocked, 0 failed, 2 not started");
        Map<String, JsonNode> paused = status(cli);
        assertThat(paused.values()).allMatch(t -> t.path("state").asText().equals("queued"));
        assertThat(cli.run("status").out()).contains("(PAUSED)");

        // a person says what the queued task needs before it ran: the conductor answers it first on resume
        Files.createDirectories(repo.resolve("blocked/engineer-frontend"));
        Files.writeString(repo.resolve("blocked/engineer-frontend/stock-note-conflict.md"), """
                # Blocked: stock-note
                Agent: engineer-frontend
                Blocked Since: %s
                Type: unclear_requirements

                ## Problem
                The description does not say what the note reads.

                ## Attempted Solutions
                1. Read the description

                ## Need From Conductor
                Use 'Only n left' below 5 items, else 'In stock'.
                """.formatted(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)));
        Cli.Result raise = cli.run("budget", "raise", "--to", "50", "--by", "test");
        assertThat(raise.exitCode()).as(raise.out() + raise.err()).isZero();

        Cli.Result resume = cli.run("resume", "--script", "script.jsonl");

        assertThat(resume.exitCode()).as(resume.out() + resume.err()).isZero();
        assertThat(resume.out())
                .contains("stock-note: blocked (unclear_requirements, a file in blocked/): The description does not say")
                .contains("stock-note: answered blocked stock-note: re-planned (revised the task): A person gave the wording.")
                .contains("returns-note: merged into main").contains("stock-note: merged into main")
                .contains("2 merged, 0 awaiting review, 0 blocked, 0 failed, 0 not started");
        assertThat(GitRepos.git(repo, "show", "main:src/frontend/stockNote.js")).contains("Only ");
        assertThat(repo.resolve("blocked/engineer-frontend/stock-note-conflict.md")).content()
                .contains("## Answer From Conductor").contains("Re-planned: A person gave the wording.");
        assertNodeTestsPass(repo);
    }

    @Test
    void aRejectionSendsTheFeedbackToTheAgentAndTheNewCommitNeedsItsOwnReview() throws Exception {
        BlockedWorkTest setup = new BlockedWorkTest();
        setup.tmp = tmp;
        Path repo = setup.sampleProject();
        Cli cli = cli(repo);
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: refund-cap
                    title: Refund cap
                    agent: engineer-backend
                    description: Add a refund handler for card payment processing in src/services/refunds.js.
                    acceptance: [refunds at most the amount paid]
                    priority: p0
                """);
        String firstVersion = "export function refundAmount(paid, asked) {\n  return Math.min(paid, asked);\n}\n";
        String secondVersion = "export function refundAmount(paid, asked) {\n  if (asked < 0) {\n"
                + "    throw new Error('a refund cannot be negative');\n  }\n  return Math.min(paid, asked);\n}\n";
        Turns s = new Turns();
        s.turn("refund-cap", "", write("src/services/refunds.js", firstVersion));
        s.turn("refund-cap", "", complete("Capped refunds."));
        Files.writeString(repo.resolve("script.jsonl"), s.text());
        Turns again = new Turns();
        again.turn("refund-cap", "The reviewer wants negative amounts refused.", write("src/services/refunds.js", secondVersion));
        again.turn("refund-cap", "", complete("Capped refunds and refused negative amounts."));
        Files.writeString(repo.resolve("script2.jsonl"), again.text());

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--script", "script.jsonl");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("refund-cap waits for a person");
        String branch = "refs/heads/" + TaskIds.branch("feature", "refund-cap", "Refund cap");
        String reviewed = GitRepos.git(repo, "rev-parse", branch).strip();

        Cli.Result reject = cli.run("reject", "refund-cap", "--feedback", "Refuse negative amounts too.");
        assertThat(reject.exitCode()).as(reject.out() + reject.err()).isZero();
        assertThat(status(cli).get("refund-cap").path("state").asText()).isEqualTo("queued");
        Cli.Result resume = cli.run("resume", "--script", "script2.jsonl");
        assertThat(resume.exitCode()).as(resume.out() + resume.err()).isZero();
        assertThat(resume.out()).contains("refund-cap: running: engineer-backend on opus, attempt 2")
                .contains("refund-cap waits for a person");
        // route stats learn from the rejection (counted by the review's own event, not by the feedback's words)
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), java.time.Clock.systemUTC())) {
            long rejections = store.database().read(tx -> tx.number(
                    "SELECT review_rejections FROM route_outcomes WHERE task_id = 'refund-cap'"));
            long validationFailures = store.database().read(tx -> tx.number(
                    "SELECT validation_failures FROM route_outcomes WHERE task_id = 'refund-cap'"));
            assertThat(rejections).isOne();
            assertThat(validationFailures).isZero();
        }

        // the agent got the reviewer's words; its new commit is what the review now covers
        assertThat(repo.resolve("tasks/engineer-backend/refund-cap.md")).content()
                .contains("A human reviewer rejected the previous attempt: Refuse negative amounts too.");
        String revalidated = GitRepos.git(repo, "rev-parse", branch).strip();
        assertThat(revalidated).isNotEqualTo(reviewed);
        Cli.Result show = cli.run("review", "show", "refund-cap");
        assertThat(show.out()).contains("cannot be negative");
        // a commit after the review voids the approval
        String sneaked = GitRepos.git(repo, "commit-tree", "-p", revalidated, "-m", "unreviewed", revalidated + "^{tree}").strip();
        GitRepos.git(repo, "update-ref", branch, sneaked);
        Cli.Result refused = cli.run("approve", "refund-cap");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("moved from " + revalidated.substring(0, 12));
        GitRepos.git(repo, "update-ref", branch, revalidated);
        Cli.Result approve = cli.run("approve", "refund-cap");
        assertThat(approve.exitCode()).as(approve.out() + approve.err()).isZero();
        assertThat(GitRepos.git(repo, "show", "main:src/services/refunds.js")).contains("cannot be negative");
        assertNodeTestsPass(repo);
    }

    @Test
    void afterARejectionTheSameCommitDoesNotGoBackToReview() throws Exception {
        BlockedWorkTest setup = new BlockedWorkTest();
        setup.tmp = tmp;
        Path repo = setup.sampleProject();
        Cli cli = cli(repo);
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: refund-cap
                    title: Refund cap
                    agent: engineer-backend
                    description: Add a refund handler for card payment processing in src/services/refunds.js.
                    acceptance: [refunds at most the amount paid]
                    priority: p0
                """);
        Turns s = new Turns();
        s.turn("refund-cap", "", write("src/services/refunds.js",
                "export function refundAmount(paid, asked) {\n  return Math.min(paid, asked);\n}\n"));
        s.turn("refund-cap", "", complete("Capped refunds."));
        Files.writeString(repo.resolve("script.jsonl"), s.text());
        // after the rejection the agent claims to be done without changing anything (on opus: a retry, then blocked)
        Turns idle = new Turns();
        for (int i = 0; i < 3; i++) {
            idle.turn("refund-cap", "Nothing to change.", complete("Capped refunds."));
        }
        Files.writeString(repo.resolve("script2.jsonl"), idle.text());

        assertThat(cli.run("run", "--plan", "plan.yaml", "--script", "script.jsonl").out()).contains("refund-cap waits for a person");
        assertThat(cli.run("reject", "refund-cap", "--feedback", "Refuse negative amounts too.").exitCode()).isZero();
        Cli.Result resume = cli.run("resume", "--script", "script2.jsonl");

        assertThat(resume.out()).as(resume.out() + resume.err()).doesNotContain("refund-cap waits for a person")
                .contains("rejected commit").contains("refund-cap: blocked: failed 2 attempts");
        assertThat(status(cli).get("refund-cap").path("state").asText()).isEqualTo("blocked");
    }
}
