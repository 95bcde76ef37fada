package dev.kleiber.conductor;

import dev.kleiber.cli.Cli;
import dev.kleiber.git.GitRepository;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SamplePlans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.kleiber.conductor.BlockedWorkTest.cli;
import static dev.kleiber.conductor.BlockedWorkTest.status;
import static dev.kleiber.conductor.ResumeWhilePausedTest.initializedProject;
import static dev.kleiber.conductor.Turns.complete;
import static dev.kleiber.conductor.Turns.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Validation judges the commit, not what else the agent left in its worktree: a file git ignores (a planted
 * {@code node_modules}, a log, a coverage report) never reaches the commit, so it must not reach the checks either.
 */
class ValidationJudgesTheCommitTest {
    @TempDir
    Path tmp;

    @Test
    void aFileTheAgentLeftThatGitIgnoresIsGoneBeforeTheChecksRun() throws Exception {
        Path repo = initializedProject(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), Files.readString(repo.resolve(".gitignore")) + "*.log\n");
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        // the check fails when the ignored file the agent wrote is still there
        Files.writeString(config, Files.readString(config).replace("commands: []",
                "commands: [{name: no-leftovers, run: \"test ! -e src/frontend/debug.log\", timeout: 30}]"));
        Files.writeString(repo.resolve("plan.yaml"), SamplePlans.RETURNS_NOTE);
        Files.writeString(repo.resolve("script.jsonl"), new Turns()
                .turn("returns-note", "", write("src/frontend/returnsNote.js",
                        "export function returnsNote() {\n  return 'Free returns';\n}\n"))
                .turn("returns-note", "", write("src/frontend/debug.log", "left behind\n"))
                .turn("returns-note", "", complete("Added the returns note.")).text());
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "project");
        Cli cli = cli(repo);

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(status(cli).get("returns-note").path("state").asText()).as(run.out()).isEqualTo("merged");
        assertThat(Files.readString(repo.resolve("reports/returns-note-validation.md"))).contains("no-leftovers");
        assertThat(GitRepos.git(repo, "ls-tree", "-r", "--name-only", "main")).contains("src/frontend/returnsNote.js")
                .doesNotContain("debug.log");
    }

    @Test
    void theRepositorysOwnCheckoutIsNeverCleaned() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("own"));
        Files.writeString(repo.resolve(".gitignore"), "*.db\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "ignore the store");
        Path store = Files.writeString(repo.resolve("state.db"), "the person's store");
        GitRepository git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));

        assertThatThrownBy(() -> git.cleanWorktree(repo)).hasMessageContaining("not a linked worktree");
        assertThatThrownBy(() -> git.cleanWorktree(repo.resolve("."))).hasMessageContaining("not a linked worktree");
        assertThat(store).hasContent("the person's store");

        Path worktree = git.addDetachedWorktree(tmp.resolve("wt"), git.commitOf("HEAD")).path();
        Files.createDirectories(worktree.resolve("node_modules/.bin"));
        Files.writeString(worktree.resolve("node_modules/.bin/node"), "#!/bin/sh\nexit 0\n");
        Files.writeString(worktree.resolve("untracked.txt"), "x");
        Files.createSymbolicLink(worktree.resolve("linked.db"), store);
        git.cleanWorktree(worktree);
        assertThat(worktree.resolve("node_modules")).doesNotExist();
        assertThat(worktree.resolve("untracked.txt")).doesNotExist();
        assertThat(worktree.resolve("linked.db")).doesNotExist();
        assertThat(store).hasContent("the person's store");
        assertThat(worktree.resolve(".gitignore")).exists();
    }
}
