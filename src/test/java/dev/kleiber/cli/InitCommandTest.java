package dev.kleiber.cli;

import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.routing.Roles;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InitCommandTest {
    @TempDir
    Path tmp;

    @Test
    void setsUpARepositoryThatLoadsCleanly() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("repo"));

        Cli.Result result = new Cli(repo).run("init");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains(".kleiber/kleiber.yaml").contains("created");
        for (String role : Roles.BLUEPRINT) {
            assertThat(repo.resolve(".kleiber/agents/" + role + ".md")).isRegularFile();
        }
        for (String folder : new String[] {"tasks", "progress", "complete", "blocked", "reports", "docs/decisions"}) {
            assertThat(repo.resolve(folder)).isDirectory();
        }
        assertThat(repo.resolve("orchestration_log.md")).content()
                .contains("| Timestamp | Agent | Task | Model | Input Tokens | Output Tokens | Cost |");
        assertThat(repo.resolve("PROGRESS.md")).exists();
        assertThat(repo.resolve("CHANGELOG.md")).exists();
        assertThat(Files.readString(repo.resolve(".gitignore"))).contains(".kleiber/state.db*", ".kleiber/worktrees/");
        assertThat(GitRepos.git(repo, "check-ignore", ".kleiber/state.db-wal", ".kleiber/worktrees/t1/x"))
                .contains(".kleiber/state.db-wal");

        ProjectConfig loaded = ProjectConfig.load(new ProjectLayout(repo));
        assertThat(loaded.knownRoles()).containsExactlyInAnyOrderElementsOf(Roles.BLUEPRINT);
    }

    @Test
    void reRunningKeepsTheUsersChangesAndCreatesOnlyWhatIsMissing() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), "node_modules/");
        new Cli(repo).run("init");
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, "budget:\n  daily_usd: 5\n");
        Files.delete(repo.resolve(".kleiber/agents/scribe.md"));
        String gitignore = Files.readString(repo.resolve(".gitignore"));

        Cli.Result again = new Cli(repo).run("init");

        assertThat(again.exitCode()).isZero();
        assertThat(Files.readString(config)).isEqualTo("budget:\n  daily_usd: 5\n");
        assertThat(again.out()).containsPattern("\\.kleiber/kleiber\\.yaml\\s+left as it is")
                .containsPattern("\\.kleiber/agents/scribe\\.md\\s+created")
                .containsPattern("\\.kleiber/agents/architect\\.md\\s+unchanged");
        assertThat(Files.readString(repo.resolve(".gitignore"))).isEqualTo(gitignore)
                .startsWith("node_modules/\n# Kleiber");

        Cli.Result third = new Cli(repo).run("init");
        assertThat(third.out()).contains("Nothing to do");
    }

    @Test
    void initFromASubfolderSetsUpTheRepositoryRoot() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        Files.createDirectories(repo.resolve("src/app"));

        Cli.Result result = new Cli(tmp).run("init", "repo/src/app");

        assertThat(result.exitCode()).isZero();
        assertThat(repo.resolve(".kleiber/kleiber.yaml")).exists();
    }

    @Test
    void outsideAGitRepositoryIsBadInput() {
        Cli.Result result = new Cli(tmp).run("init");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("is not inside a git repository");
        assertThat(tmp.resolve(".kleiber")).doesNotExist();
    }

    @Test
    void configReportsAnInvalidSettingWithItsLine() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        new Cli(repo).run("init");
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), "version: 1\nconcurrency:\n  workers: lots\n");

        Cli.Result result = new Cli(repo).run("config");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(".kleiber/kleiber.yaml line 3: 'workers' must be a whole number; found 'lots'");
    }

    @Test
    void configPrintsTheSettingsInEffect() {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        new Cli(repo).run("init");

        Cli.Result text = new Cli(repo).run("config");
        Cli.Result json = new Cli(repo).run("config", "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("claude-opus-5-5").contains("$50 a day").contains("engineer-backend");
        assertThat(json.out()).contains("\"dailyUsd\" : 50").contains("\"name\" : \"validator\"");
        assertThat(text.out()).contains("  main every    30m\n");
        assertThat(text.out()).contains("  limits        256 processes, 2 GiB memory, 1 GiB files, 512 MiB /tmp, "
                + "600 s CPU per process; reads no extra folders\n");
        assertThat(json.out()).contains("\"mainEverySeconds\" : 1800");
    }

    @Test
    void configSaysWhenMainIsNotWatched() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        new Cli(repo).run("init");
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config).replace("main_every: 30m", "main_every: off"));

        assertThat(new Cli(repo).run("config").out()).contains("  main every    off (main is not validated during a run)\n");
        assertThat(new Cli(repo).run("config", "--json").out()).contains("\"mainEverySeconds\" : null");
    }
}
