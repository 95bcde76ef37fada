package dev.kleiber.conductor;

import dev.kleiber.cli.Cli;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SamplePlans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.kleiber.conductor.BlockedWorkTest.cli;
import static dev.kleiber.conductor.BlockedWorkTest.status;
import static dev.kleiber.conductor.Turns.complete;
import static dev.kleiber.conductor.Turns.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 9: {@code kleiber resume} while the budget still pauses the run spends no attempt, a resume that
 * needs the API without a key stops the task for its environment (exit 2, what to set, no stack trace) and spends
 * none either, and a resume with nothing left to do needs no key at all.
 */
class ResumeWhilePausedTest {
    @TempDir
    Path tmp;

    @Test
    void resumesWhilePausedOrWithoutAKeySpendNoAttemptAndAFinishedRunNeedsNoKey() throws Exception {
        Path repo = initializedProject(tmp.resolve("repo"));
        Cli cli = cli(repo);
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("daily_usd: 50", "daily_usd: 0.001"));
        Files.writeString(repo.resolve("plan.yaml"), SamplePlans.RETURNS_NOTE);
        Files.writeString(repo.resolve("script.jsonl"), new Turns()
                .turn("returns-note", "", write("src/frontend/returnsNote.js",
                        "export function returnsNote() {\n  return 'Free returns';\n}\n"))
                .turn("returns-note", "", complete("Added the returns note.")).text());
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "project");

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--script", "script.jsonl");
        assertThat(run.out()).as(run.out() + run.err()).contains("PAUSED for budget");
        for (int resume = 0; resume < 2; resume++) {
            Cli.Result paused = cli.run("resume", "--script", "script.jsonl");
            assertThat(paused.out()).as(paused.out() + paused.err()).contains("PAUSED for budget")
                    .contains("returns-note: running: engineer-frontend on haiku, attempt 1");
            assertThat(attempts(cli)).as("a budget pause spends no attempt").isZero();
        }
        // the paused work waits for a person: review and status say so, with what to type
        assertThat(cli.run("review").out()).contains("budget  paused for task returns-note: the daily budget")
                .contains("'kleiber budget raise --to USD' or 'kleiber budget approve --extra USD' lets work go on")
                .doesNotContain("nothing waits");
        assertThat(cli.run("status").out()).contains("waits for a person: budget  paused for task returns-note");
        com.fasterxml.jackson.databind.JsonNode waiting = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(cli.run("status", "--json").out()).path("waitingForPerson");
        assertThat(waiting.findValuesAsText("for")).contains("budget");
        assertThat(waiting.toString()).contains("\"task\":\"returns-note\"")
                .contains("the daily budget for").contains("kleiber budget raise --to USD or kleiber budget approve --extra USD");
        assertThat(cli.run("budget", "raise", "--to", "50", "--by", "test").exitCode()).isZero();

        Cli.Result noKey = cli.run("resume");
        assertThat(noKey.exitCode()).as(noKey.out() + noKey.err()).isEqualTo(2);
        assertThat(noKey.out()).contains("returns-note stopped, not the agent's fault: ANTHROPIC_API_KEY is not set")
                .contains("set ANTHROPIC_API_KEY to your Anthropic API key");
        assertThat(noKey.err()).contains("kleiber: ANTHROPIC_API_KEY is not set").doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(attempts(cli)).as("stopped before any call: no attempt spent").isZero();

        Cli.Result done = cli.run("resume", "--script", "script.jsonl");
        assertThat(done.exitCode()).as(done.out() + done.err()).isZero();
        assertThat(done.out()).contains("returns-note: merged into main");
        assertThat(attempts(cli)).isEqualTo(1);
        assertThat(GitRepos.git(repo, "log", "main", "--format=%B")).contains("Kleiber-Task: returns-note")
                .contains("Kleiber-Attempt: 1").doesNotContain("Kleiber-Attempt: 2");

        Cli.Result nothingLeft = cli.run("resume");
        assertThat(nothingLeft.exitCode()).as(nothingLeft.out() + nothingLeft.err()).isZero();
        assertThat(nothingLeft.out() + nothingLeft.err()).doesNotContain("ANTHROPIC_API_KEY");
    }

    /**
     * A git repository with a package.json under {@code kleiber init} (no validation commands: runs are quick), its
     * commands run with PATH alone — no $USER, no key — as in containers and CI.
     */
    static Path initializedProject(Path dir) throws java.io.IOException {
        Path repo = GitRepos.init(dir);
        Files.writeString(repo.resolve("package.json"), "{\"name\":\"x\",\"type\":\"module\",\"private\":true}\n");
        Cli.Result init = cli(repo).run("init");
        assertThat(init.exitCode()).as(init.err()).isZero();
        return repo;
    }

    private static int attempts(Cli cli) throws java.io.IOException {
        return status(cli).get("returns-note").path("attempt").asInt(-1);
    }
}
