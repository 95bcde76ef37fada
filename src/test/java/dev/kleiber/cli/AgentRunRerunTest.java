package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 9 (the `agent run` part): the branch is the one the plan named, a second run that changes nothing
 * keeps the done file's Files Changed, and `--json` always says `commit`, null when there is none.
 */
class AgentRunRerunTest {
    private static final String KEY = "sk-ant-test-RERUN-0123456789";

    @TempDir
    Path tmp;
    Path repo;
    FakeMessagesApi api;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: feat-001
                    title: Health check
                    agent: engineer-backend
                    description: Add a health endpoint to the backend.
                    acceptance: [GET /health answers ok]
                """);
        Cli.Result plan = new Cli(repo).run("plan", "--from", "plan.yaml");
        assertThat(plan.exitCode()).as(plan.out() + plan.err()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init and a plan");
        api = FakeMessagesApi.start(KEY);
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private Cli cli() {
        return new Cli(new CliContext(repo, Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString()),
                Clock.systemUTC()));
    }

    @Test
    void theBranchIsThePlansAndARerunKeepsTheFilesChangedAndSaysCommitNull() throws IOException {
        assertThat(repo.resolve("tasks/engineer-backend/feat-001.md")).content()
                .contains("Branch: feature/feat-001-health-check");
        api.respondWith(request -> request.json().path("messages").size() == 1
                ? FakeReply.answer(FakeReply.toolUse("t1", "write_file",
                "{\"path\":\"src/backend/health.js\",\"content\":\"export const health = () => 'ok';\\n\"}"))
                : FakeReply.answer(FakeReply.toolUse("t2", "complete_task", "{\"summary\":\"Added GET /health.\"}")));

        Cli.Result first = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");

        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(first.out());
        assertThat(json.path("branch").asText()).isEqualTo("feature/feat-001-health-check");
        assertThat(json.path("commit").asText()).hasSize(40);
        assertThat(GitRepos.git(repo, "branch", "--list", "feature/*")).contains("feature/feat-001-health-check");
        Path done = repo.resolve("complete/engineer-backend/feat-001-done.md");
        assertThat(done).content().contains("- src/backend/health.js (created)");

        api.respondWith(request -> FakeReply.answer(FakeReply.toolUse("t9", "complete_task",
                "{\"summary\":\"Nothing more to do.\"}")));
        Cli.Result second = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");

        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode again = new ObjectMapper().readTree(second.out());
        assertThat(again.path("attempt").asInt()).isEqualTo(2);
        assertThat(again.has("commit")).as(second.out()).isTrue();
        assertThat(again.get("commit").isNull()).as(second.out()).isTrue();
        assertThat(done).content().contains("Nothing more to do.").contains("- src/backend/health.js (created)");
    }
}
