package dev.kleiber.conductor;

import dev.kleiber.cli.Cli;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static dev.kleiber.conductor.BlockedWorkTest.decision;
import static dev.kleiber.conductor.Turns.answer;
import static dev.kleiber.conductor.Turns.blocked;
import static dev.kleiber.conductor.Turns.complete;
import static dev.kleiber.conductor.Turns.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: a person answering the conductor's question is recorded by name (the blocked file, the run's events) as
 * approve and reject record theirs, with no $USER too; and what a decision outside a run writes (an approval's
 * CHANGELOG entry, an answer's blocked file) is committed at once, leaving the checkout clean.
 */
class PersonDecisionsTest {
    private static final String OS_ACCOUNT = System.getProperty("user.name");

    @TempDir
    Path tmp;

    @Test
    void answerAndApproveOutsideARunAreSignedAndCommittedLeavingTheCheckoutClean() throws Exception {
        Path repo = ResumeWhilePausedTest.initializedProject(tmp.resolve("repo"));
        // no $USER nor $LOGNAME, as in containers and CI
        Cli cli = BlockedWorkTest.cli(repo);
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: refund-cap
                    title: Refund cap
                    agent: engineer-backend
                    description: Add a refund handler for card payment processing in src/services/refunds.js.
                    acceptance: [refunds at most the amount paid]
                    priority: p0
                  - id: ship-policy
                    title: Shipping policy
                    agent: engineer-backend
                    description: Add src/services/shipping.js listing the countries we ship to.
                    acceptance: [lists the countries]
                    priority: p1
                """);
        Files.writeString(repo.resolve("script.jsonl"), new Turns()
                .turn("refund-cap", "", write("src/services/refunds.js",
                        "export function refundAmount(paid, asked) {\n  return Math.min(paid, asked);\n}\n"))
                .turn("refund-cap", "", complete("Capped refunds."))
                .turn("ship-policy", "", blocked("unclear_requirements", "Which countries do we ship to?", "The list"))
                .turn("conductor/ship-policy", "", answer(decision("ask_human", "Only the business can say.")
                        .put("question", "Which countries do we ship to?"))).text());
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "project");
        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--script", "script.jsonl");
        assertThat(run.out()).as(run.out() + run.err()).contains("refund-cap waits for a person")
                .contains("ship-policy is blocked, the conductor asks a person: Which countries do we ship to?")
                .contains("answer with your name recorded: `kleiber answer ship-policy \"TEXT\"`");
        assertThat(clean(repo)).as("the run commits its records").isEmpty();

        Cli.Result answered = cli.run("answer", "ship-policy", "US and Canada only.");

        String person = OS_ACCOUNT + " (from the OS account)";
        assertThat(answered.exitCode()).as(answered.out() + answered.err()).isZero();
        assertThat(answered.out()).contains("ship-policy: answered by " + person
                + " in blocked/engineer-backend/ship-policy-conflict.md; `kleiber resume` hands it to the conductor");
        assertThat(repo.resolve("blocked/engineer-backend/ship-policy-conflict.md")).content()
                .contains("US and Canada only.").contains("(Answered by " + person + ".)");
        assertThat(clean(repo)).as("the answer's blocked file is committed at once").isEmpty();
        assertThat(GitRepos.git(repo, "log", "-1", "--format=%B")).contains("Kleiber-Task: ship-policy")
                .contains("Kleiber-Decided-By: " + person);
        String runId = Turns.JSON.readTree(cli.run("status", "--json").out()).path("run").asText();
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            List<RunEvent> events = store.runEvents().after(runId, 0, 1000).stream()
                    .map(e -> RunEventJson.read(e.json())).toList();
            assertThat(events).contains(new RunEvent.PersonAnswered(runId, "ship-policy", person,
                    "blocked/engineer-backend/ship-policy-conflict.md"));
        }

        Cli.Result approved = cli.run("approve", "refund-cap", "--by", "ana");

        assertThat(approved.exitCode()).as(approved.out() + approved.err()).isZero();
        assertThat(clean(repo)).as("the approval's CHANGELOG entry is committed at once").isEmpty();
        assertThat(GitRepos.git(repo, "show", "main:CHANGELOG.md")).contains("Refund cap");
        assertThat(GitRepos.git(repo, "log", "-1", "--format=%B")).contains("Kleiber-Task: refund-cap")
                .contains("Kleiber-Decided-By: ana (from --by)");

        assertThat(cli.run("answer", "ship-policy", "  ").exitCode()).isEqualTo(2);
        assertThat(cli.run("answer", "refund-cap", "Nothing to answer.").exitCode()).as("no question about it")
                .isEqualTo(1);
    }

    private static String clean(Path repo) {
        return GitRepos.git(repo, "status", "--porcelain", "--untracked-files=all").strip();
    }
}
