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
        // the current generation: every tier's model has a shipped price and is on no retired list
        for (dev.kleiber.routing.Tier tier : new dev.kleiber.routing.Tier[] {dev.kleiber.routing.Tier.OPUS,
                dev.kleiber.routing.Tier.SONNET, dev.kleiber.routing.Tier.HAIKU}) {
            String model = loaded.settings().modelFor(tier);
            assertThat(dev.kleiber.ledger.PriceTable.shipped().find(model)).as(model).isPresent();
            assertThat(dev.kleiber.ledger.PriceTable.shipped().retirement(model)).as(model).isEmpty();
        }
        assertThat(result.out()).contains("then run 'kleiber config' to check it and 'kleiber doctor' to check what a"
                + " first run needs");
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

    @Test
    void configShowsTheLayoutAndLintInEffectAndItsJsonCarriesEverySetting() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        new Cli(repo).run("init");
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config) + """
                layout:
                  main_branch: master
                  write:
                    engineer-backend: ["src/app/**", "prisma/**"]
                lint:
                  endpoints: ["src/app/routes/**"]
                  exclude: ["src/legacy/**"]
                  rules: {sql-index: warn, gate-story: off}
                """);
        Files.writeString(repo.resolve(".kleiber/lint-baseline.txt"),
                "src/a.ts: [file-utility] one\nsrc/b.ts: [file-utility] two\n");
        // roles without agent files show where layout.write lets them write
        try (var agents = Files.list(repo.resolve(".kleiber/agents"))) {
            for (Path file : agents.toList()) {
                Files.delete(file);
            }
        }

        Cli.Result text = new Cli(repo).run("config");
        Cli.Result json = new Cli(repo).run("config", "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("  main branch   master\n")
                .contains("  write         engineer-backend: src/app/** prisma/**\n")
                .contains("  endpoints     src/app/routes/**\n")
                .containsPattern("  exclude       \\*\\*/prisma/migrations/\\*\\* .* src/legacy/\\*\\*\n")
                .contains("sql-index=warn").contains("gate-story=off").contains("file-component=error")
                .contains("  baseline      .kleiber/lint-baseline.txt: 2 known findings\n")
                .contains("  coverage      80% of lines")
                .containsPattern("engineer-backend +\\S+ +writes src/app/\\*\\* prisma/\\*\\*");
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(root.path("layout").path("mainBranch").asText()).isEqualTo("master");
        assertThat(root.path("layout").path("write").path("engineer-backend").toString()).isEqualTo("[\"src/app/**\",\"prisma/**\"]");
        assertThat(root.path("lint").path("endpoints").toString()).isEqualTo("[\"src/app/routes/**\"]");
        assertThat(root.path("lint").path("exclude").toString()).contains("\"src/legacy/**\"").contains("\"**/prisma/migrations/**\"");
        assertThat(root.path("lint").path("rules").path("sql-index").asText()).isEqualTo("warn");
        assertThat(root.path("lint").path("rules").path("gate-story").asText()).isEqualTo("off");
        assertThat(root.path("lint").path("baseline").path("findings").asInt()).isEqualTo(2);
        assertThat(root.path("validate").path("coverageMinPercent").asInt()).isEqualTo(80);
        assertThat(root.path("agentLimits").path("maxTurns").asInt()).isEqualTo(40);
        assertThat(root.path("changeLimits").path("commitFiles").asInt()).isEqualTo(500);
        assertThat(root.path("sandboxLimits").path("processes").asInt()).isEqualTo(256);
        assertThat(root.path("routing").path("learning").path("enabled").asBoolean()).isTrue();
        assertThat(root.path("routing").path("sensitivePaths").size()).isPositive();
        assertThat(root.path("agentsDefined").asBoolean()).isFalse();
        assertThat(root.path("agents").findValues("name").stream().map(n -> n.asText()).toList())
                .containsExactlyElementsOf(Roles.BLUEPRINT);
        assertThat(root.path("agents").get(Roles.BLUEPRINT.indexOf(Roles.ENGINEER_BACKEND)).path("write").toString())
                .isEqualTo("[\"src/app/**\",\"prisma/**\"]");
    }
}
