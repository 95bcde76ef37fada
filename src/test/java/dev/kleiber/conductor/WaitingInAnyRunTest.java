package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.store.Event;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kleiber.conductor.BlockedWorkTest.decision;
import static dev.kleiber.conductor.Turns.JSON;
import static dev.kleiber.conductor.Turns.answer;
import static dev.kleiber.conductor.Turns.blocked;
import static dev.kleiber.conductor.Turns.complete;
import static dev.kleiber.conductor.Turns.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defects 6 and 7: a payments task still waiting for review in an earlier run is listed by `review` and
 * `status` after a later run, can be decided without naming its run, and every decision records who made it and
 * where the name came from — with no $USER in the environment.
 */
class WaitingInAnyRunTest {
    @TempDir
    Path tmp;

    @Test
    void workWaitingInAnEarlierRunIsListedAndItsDecisionsRecordWhoDecided() throws Exception {
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");
        // no USER, no LOGNAME: as in a container or CI
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));

        Files.writeString(repo.resolve("payments.yaml"), """
                tasks:
                  - id: card-refunds
                    title: Card refunds
                    agent: engineer-backend
                    description: Add refunds of card payments in src/services/refunds.js.
                    acceptance: [refunds at most the amount paid]
                  - id: card-voids
                    title: Card voids
                    agent: engineer-backend
                    description: Add voiding of card payments in src/services/voids.js.
                    acceptance: [a void cancels an authorised payment]
                """);
        Files.writeString(repo.resolve("footer.yaml"), """
                tasks:
                  - id: footer-note
                    title: Footer note
                    agent: engineer-frontend
                    description: Add src/frontend/footerNote.js exporting footerNote().
                    acceptance: [returns the note]
                    model: haiku
                """);
        Turns s = new Turns();
        s.turn("card-refunds", "", write("src/services/refunds.js", "export function refund(paid, asked) {\n  return Math.min(paid, asked);\n}\n"));
        s.turn("card-refunds", "", complete("Added card refunds."));
        s.turn("card-voids", "", write("src/services/voids.js", "export function voidPayment(payment) {\n  return { ...payment, state: 'void' };\n}\n"));
        s.turn("card-voids", "", complete("Added card voids."));
        s.turn("footer-note", "", write("src/frontend/footerNote.js", "export function footerNote() {\n  return 'Thanks';\n}\n"));
        s.turn("footer-note", "", complete("Added the footer note."));
        Files.writeString(repo.resolve("script.jsonl"), s.text());

        Cli.Result payments = cli.run("run", "--plan", "payments.yaml", "--script", "script.jsonl");
        assertThat(payments.exitCode()).as(payments.out() + payments.err()).isZero();
        assertThat(payments.out()).contains("card-refunds waits for a person").contains("card-voids waits for a person");
        String earlier = JSON.readTree(cli.run("status", "--json").out()).path("run").asText();
        Cli.Result footer = cli.run("run", "--plan", "footer.yaml", "--script", "script.jsonl");
        assertThat(footer.exitCode()).as(footer.out() + footer.err()).isZero();
        String latest = JSON.readTree(cli.run("status", "--json").out()).path("run").asText();
        assertThat(latest).isNotEqualTo(earlier);

        Cli.Result review = cli.run("review");
        assertThat(review.exitCode()).as(review.err()).isZero();
        assertThat(review.out()).contains("card-refunds").contains("card-voids").contains("run " + earlier);
        Cli.Result status = cli.run("status");
        assertThat(status.out()).contains("waits for a person: card-refunds").contains("waits for a person: card-voids")
                .contains("--run " + earlier);
        JsonNode waiting = JSON.readTree(cli.run("status", "--json").out()).path("waitingForPerson");
        List<String> waitingTasks = new ArrayList<>();
        waiting.forEach(w -> waitingTasks.add(w.path("run").asText() + "/" + w.path("task").asText()));
        assertThat(waitingTasks).containsExactly(earlier + "/card-refunds", earlier + "/card-voids");

        // decided without --run: the one run where the task waits is meant
        Cli.Result approve = cli.run("approve", "card-refunds");
        assertThat(approve.exitCode()).as(approve.out() + approve.err()).isZero();
        assertThat(approve.out()).contains("approved by " + System.getProperty("user.name") + " (from the OS account)");
        Cli.Result reject = cli.run("reject", "card-voids", "--feedback", "Voids need an audit entry.", "--by", "Bo Reviewer");
        assertThat(reject.exitCode()).as(reject.out() + reject.err()).isZero();
        assertThat(reject.out()).contains("with the feedback of Bo Reviewer (from --by)");
        assertThat(cli.run("review").out()).contains("nothing waits for a person");

        try (Store store = Store.open(StoreUrl.defaultFor(repo), Clock.systemUTC())) {
            List<Event> events = store.events().ofRun(earlier);
            assertThat(events).filteredOn(e -> e.taskId().equals("card-refunds") && e.kind().equals("task.merged"))
                    .singleElement().extracting(Event::detail).asString()
                    .contains("approved by " + System.getProperty("user.name") + " (from the OS account)");
            assertThat(events).filteredOn(e -> e.taskId().equals("card-voids") && e.kind().equals("task.queued"))
                    .last().extracting(Event::detail).asString()
                    .contains("rejected in review by Bo Reviewer (from --by)");
        }
    }

    @Test
    void aQuestionAnEarlierRunLeftIsListedByReviewAndAnsweredWithoutNamingTheRun() throws Exception {
        Path repo = ResumeWhilePausedTest.initializedProject(tmp.resolve("repo"));
        Cli cli = BlockedWorkTest.cli(repo);
        Files.writeString(repo.resolve("ship.yaml"), """
                tasks:
                  - id: ship-policy
                    title: Shipping policy
                    agent: engineer-backend
                    description: Add src/services/shipping.js listing the countries we ship to.
                    acceptance: [lists the countries]
                """);
        Files.writeString(repo.resolve("footer.yaml"), """
                tasks:
                  - id: footer-note
                    title: Footer note
                    agent: engineer-frontend
                    description: Add src/frontend/footerNote.js exporting footerNote().
                    acceptance: [returns the note]
                    model: haiku
                """);
        Files.writeString(repo.resolve("script.jsonl"), new Turns()
                .turn("ship-policy", "", blocked("unclear_requirements", "Which countries do we ship to?", "The list"))
                .turn("conductor/ship-policy", "", answer(decision("ask_human", "Only the business can say.")
                        .put("question", "Which countries do we ship to?")))
                .turn("footer-note", "", write("src/frontend/footerNote.js", "export function footerNote() {\n  return 'Thanks';\n}\n"))
                .turn("footer-note", "", complete("Added the footer note.")).text());
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "project");
        assertThat(cli.run("run", "--plan", "ship.yaml", "--script", "script.jsonl").out())
                .contains("ship-policy is blocked, the conductor asks a person");
        String earlier = JSON.readTree(cli.run("status", "--json").out()).path("run").asText();
        Cli.Result footer = cli.run("run", "--plan", "footer.yaml", "--script", "script.jsonl");
        assertThat(footer.exitCode()).as(footer.out() + footer.err()).isZero();

        Cli.Result review = cli.run("review");

        assertThat(review.exitCode()).as(review.err()).isZero();
        assertThat(review.out()).doesNotContain("nothing waits")
                .contains("ship-policy  blocked in run " + earlier + ": the conductor asks a person: Which countries do we ship to?")
                .contains("`kleiber answer ship-policy \"TEXT\"`");
        assertThat(cli.run("status").out()).contains("blocked: ship-policy in run " + earlier);

        Cli.Result answered = cli.run("answer", "ship-policy", "US and Canada only.", "--by", "Cy Ops");

        assertThat(answered.exitCode()).as("the one run where it waits is meant: " + answered.err()).isZero();
        assertThat(answered.out()).contains("answered by Cy Ops (from --by)")
                .contains("`kleiber resume --run " + earlier + "` hands it to the conductor");
        assertThat(cli.run("review").out()).contains("ship-policy  blocked in run " + earlier + ": answered by Cy Ops (from --by)")
                .contains("`kleiber resume --run " + earlier + "` hands the answer to the conductor");
    }
}
