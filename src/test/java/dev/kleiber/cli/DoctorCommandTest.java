package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kleiber doctor}: a project that can run, then each prerequisite missing in turn. */
class DoctorCommandTest {
    private static final String KEY = "sk-ant-test-DOCTOR-0123456789";

    @TempDir
    Path tmp;
    Path repo;
    FakeMessagesApi api;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        // this test machine runs as root, where the hardened sandbox does not apply: opt out as such a host must
        edit("sandbox: bwrap", "sandbox: none");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
        api = FakeMessagesApi.start(KEY);
        env.put("PATH", System.getenv("PATH"));
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("ANTHROPIC_BASE_URL", api.baseUrl().toString());
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private void edit(String from, String to) throws IOException {
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config).replace(from, to));
    }

    private Cli.Result doctor(String... more) {
        String[] args = new String[more.length + 1];
        args[0] = "doctor";
        System.arraycopy(more, 0, args, 1, more.length);
        return new Cli(new CliContext(repo, Map.copyOf(env), Clock.systemUTC())).run(args);
    }

    private JsonNode check(Cli.Result result, String name) throws IOException {
        for (JsonNode check : new ObjectMapper().readTree(result.out()).path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + result.out());
    }

    @Test
    void aProjectThatCanRunPassesEveryCheckAndNeverShowsTheKey() throws IOException {
        Cli.Result text = doctor();
        Cli.Result json = doctor("--json");

        assertThat(text.exitCode()).as(text.out() + text.err()).isZero();
        assertThat(text.out()).containsPattern("OK +jdk +Java ").containsPattern("OK +git identity +Kleiber Test")
                .containsPattern("OK +repository +.*branch main").containsPattern("OK +store ")
                .containsPattern("OK +budget +\\$50\\.00 left today").containsPattern("OK +api key +ANTHROPIC_API_KEY is set")
                .containsPattern("OK +api +.*the key can use 11 models").containsPattern("OK +model haiku +claude-haiku-5-5")
                .containsPattern("WARN +sandbox +sandbox: none").contains("A run can work.");
        assertThat(new ObjectMapper().readTree(json.out()).path("ok").asBoolean()).isTrue();
        assertThat(text.out() + text.err() + json.out()).doesNotContain(KEY).doesNotContain("sk-ant-test");
    }

    @Test
    void noApiKey() throws IOException {
        env.remove("ANTHROPIC_API_KEY");
        Cli.Result result = doctor("--json");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(check(result, "api key").path("status").asText()).isEqualTo("fail");
        assertThat(check(result, "api key").path("fix").asText()).contains("export ANTHROPIC_API_KEY=");
    }

    @Test
    void theApiUnreachable() throws IOException {
        env.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:9");
        Cli.Result result = doctor("--json");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(check(result, "api").path("status").asText()).isEqualTo("fail");
        assertThat(check(result, "api").path("fix").asText()).contains("ANTHROPIC_BASE_URL");
    }

    @Test
    void aKeyTheApiRefuses() throws IOException {
        env.put("ANTHROPIC_API_KEY", "sk-ant-test-WRONG-0000000000");
        Cli.Result result = doctor("--json");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(check(result, "api").path("detail").asText()).contains("401");
        assertThat(result.out()).doesNotContain("sk-ant-test-WRONG");
    }

    @Test
    void aTierModelTheKeyCannotUse() throws IOException {
        edit("haiku: claude-haiku-5-5", "haiku: claude-haiku-4-5");
        api.retire("claude-haiku-4-5-20251001");
        Cli.Result result = doctor();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).containsPattern("FAIL +model haiku +claude-haiku-4-5 is not available")
                .contains("kleiber models");
    }

    @Test
    void noGitIdentity() throws IOException {
        GitRepos.git(repo, "config", "--unset", "user.name");
        env.put("HOME", tmp.resolve("empty-home").toString());
        Cli.Result result = doctor();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).containsPattern("FAIL +git identity +git has no user.name")
                .contains("git config --global user.name");
    }

    @Test
    void noCommitYet() throws IOException {
        repo = Files.createDirectories(tmp.resolve("empty"));
        GitRepos.git(repo, "init", "-q", "-b", "main");
        Cli.Result result = doctor();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).containsPattern("FAIL +repository +.* has no commit yet").contains("git commit --allow-empty");
    }

    @Test
    void theMainBranchIsTheOneKleiberYamlNames() throws IOException {
        GitRepos.git(repo, "branch", "-m", "main", "trunk");
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config) + "layout:\n  main_branch: trunk\n");

        assertThat(doctor().out()).containsPattern("OK +repository +.*branch trunk");
        GitRepos.git(repo, "branch", "-m", "trunk", "develop");
        assertThat(doctor().out()).containsPattern("FAIL +repository +.*no branch 'trunk'").contains("main_branch");
    }

    @Test
    void noMainBranch() throws IOException {
        GitRepos.git(repo, "branch", "-m", "main", "trunk");
        Cli.Result result = doctor();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).containsPattern("FAIL +repository +.*no branch 'main'");
    }

    @Test
    void nodeMissingWhenTheValidatorRunsIt() throws IOException {
        edit("commands: []", "commands: [{name: test, run: \"npm test\"}]");
        GitRepos.git(repo, "commit", "-q", "-am", "validate with npm"); // the validator reads main's committed settings
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("git"), Path.of(GitRepos.git(repo, "--exec-path").strip())
                .resolve("git"));
        env.put("PATH", bin.toString());
        Cli.Result result = doctor();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).containsPattern("FAIL +node +validate.commands run node/npm").contains("install Node.js");
    }

    @Test
    void gitMissing() throws IOException {
        env.put("PATH", Files.createDirectories(tmp.resolve("no-tools")).toString());
        Cli.Result result = doctor();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).containsPattern("FAIL +git +git was not found on PATH").contains("install git");
    }

    @Test
    void aBrokenRoutingPolicyOrAgentFile() throws IOException {
        // the routing policy and the agent files are settings too: a run stops on either before it starts
        Files.writeString(repo.resolve(".kleiber/policy.yaml"), "rules:\n  - {id: boilerplate.logging, enabeld: false}\n");
        Cli.Result policy = doctor();
        assertThat(policy.exitCode()).isEqualTo(1);
        assertThat(policy.out()).containsPattern("FAIL +settings +\\.kleiber/policy\\.yaml line 2: .*enabeld")
                .contains("`kleiber config` checks it");

        Files.delete(repo.resolve(".kleiber/policy.yaml"));
        Files.writeString(repo.resolve(".kleiber/agents/stray.md"), "---\nrole: engineer-backend\n");
        Cli.Result agent = doctor();
        assertThat(agent.exitCode()).isEqualTo(1);
        assertThat(agent.out()).containsPattern("FAIL +settings +\\.kleiber/agents/stray\\.md");
    }

    @Test
    void bubblewrapMissingWhereTheSandboxNeedsIt() throws IOException {
        edit("sandbox: none", "sandbox: bwrap");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("git"), Path.of(GitRepos.git(repo, "--exec-path").strip()).resolve("git"));
        env.put("PATH", bin.toString());
        Cli.Result result = doctor("--json");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(check(result, "sandbox").path("status").asText()).isEqualTo("fail");
        assertThat(check(result, "sandbox").path("detail").asText()).contains("bubblewrap (bwrap) is not installed");
        assertThat(check(result, "sandbox").path("fix").asText()).contains("apt-get install bubblewrap")
                .contains("sandbox: none");
    }

    @Test
    void aStoreThatDoesNotOpen() throws IOException {
        // a folder where the SQLite file belongs: the store cannot open
        Files.createDirectories(repo.resolve(".kleiber/state.db"));
        Cli.Result result = doctor("--json");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(check(result, "store").path("status").asText()).isEqualTo("fail");
        assertThat(check(result, "store").path("fix").asText()).contains("'store' in .kleiber/kleiber.yaml");
    }

    @Test
    void aBudgetPausedForTheDay() throws IOException {
        edit("daily_usd: 50", "daily_usd: 0.10");
        java.time.Clock clock = Clock.systemUTC();
        LedgerSettings settings = LedgerSettings.of(new CliContext(repo, Map.of(), clock), java.util.Optional.empty());
        try (dev.kleiber.store.Store store = dev.kleiber.store.Store.open(settings.store(), clock)) {
            dev.kleiber.ledger.BudgetGuard guard = new dev.kleiber.ledger.BudgetGuard(store, settings.prices(),
                    settings.limits(), clock, store.leases().acquire("test", java.time.Duration.ofMinutes(5)), p -> { });
            // a call that would pass the $0.10 of today is refused, and the budget pauses
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> guard.reserve(new dev.kleiber.ledger.CallContext(
                    "r1", "t1", 1, "engineer-backend", dev.kleiber.routing.Tier.SONNET), "claude-sonnet-4-5", 100_000, 10_000))
                    .isInstanceOf(dev.kleiber.ledger.BudgetExceededException.class);
        }
        Cli.Result result = doctor();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).containsPattern("FAIL +budget +paused: today's limit \\$0.10").contains("kleiber budget raise");
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(doctor("--nonsense").exitCode()).isEqualTo(2);
    }
}
