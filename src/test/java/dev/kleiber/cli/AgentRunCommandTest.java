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

/** {@code kleiber agent run} end to end: config, store, budget, the real SDK against the fake API, git, protocol files. */
class AgentRunCommandTest {
    private static final String KEY = "sk-ant-test-AGENTRUN-0123456789";

    @TempDir
    Path tmp;
    Path repo;
    FakeMessagesApi api;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
        Files.createDirectories(repo.resolve("tasks/engineer-backend"));
        Files.writeString(repo.resolve("tasks/engineer-backend/feat-001.md"), """
                # Task: feat-001
                Agent: engineer-backend
                Model: sonnet
                Priority: p1
                Created: 2026-11-25T11:00:00Z

                ## Description
                Add a health endpoint to the backend.

                ## Acceptance Criteria
                - [ ] GET /health answers ok
                """);
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
    void runsTheTaskInItsOwnWorktreeAndAccountsForEveryCall() throws IOException {
        api.respondWith(request -> switch (request.json().path("messages").size()) {
            case 1 -> FakeReply.answer(FakeReply.text("I will add src/backend/health.js."),
                    FakeReply.toolUse("t1", "write_file", "{\"path\":\"src/backend/health.js\",\"content\":\"export const health = () => 'ok';\\n\"}"));
            case 3 -> FakeReply.answer(FakeReply.toolUse("t2", "write_file", "{\"path\":\".git/hooks/pre-commit\",\"content\":\"evil\"}"));
            default -> FakeReply.answer(FakeReply.toolUse("t3", "complete_task", "{\"summary\":\"Added GET /health.\"}"));
        });

        Cli.Result result = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.path("taskId").asText()).isEqualTo("feat-001");
        assertThat(json.path("outcome").asText()).isEqualTo("completed");
        assertThat(json.path("model").asText()).isEqualTo("sonnet");
        assertThat(json.path("costUsd").decimalValue()).isPositive();
        assertThat(json.path("refusals").get(0).asText()).contains(".git");
        assertThat(json.path("branch").asText()).isEqualTo("feature/feat-001-add-a-health-endpoint-to-the-backend");
        assertThat(json.path("scripted").asBoolean()).isFalse();

        Path worktree = repo.resolve(".kleiber/worktrees/feat-001");
        assertThat(worktree.resolve("src/backend/health.js")).exists();
        assertThat(repo.resolve("src/backend/health.js")).doesNotExist();
        assertThat(repo.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(GitRepos.git(repo, "log", "-1", "--format=%B", json.path("branch").asText()))
                .contains("Kleiber-Task: feat-001").contains("Kleiber-Attempt: 1");
        assertThat(repo.resolve("complete/engineer-backend/feat-001-done.md")).content()
                .contains("- src/backend/health.js (created)").contains("Model Used: sonnet");
        assertThat(repo.resolve("orchestration_log.md")).content().containsPattern("\\| engineer-backend \\| feat-001 \\| sonnet \\|");
        assertThat(result.out() + result.err()).doesNotContain(KEY);

        Cli.Result cost = cli().run("cost", "--json");
        assertThat(new ObjectMapper().readTree(cost.out()).path("calls").asLong()).isEqualTo(3);

        api.respondWith(request -> FakeReply.answer(FakeReply.toolUse("t9", "complete_task", "{\"summary\":\"Nothing more to do.\"}")));
        Cli.Result second = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(new ObjectMapper().readTree(second.out()).path("attempt").asInt())
                .as("the second run, within the same second or not, continues the branch").isEqualTo(2);
    }

    @Test
    void retriesOfAnOverloadedApiAreShownAsTheyHappen() {
        api.enqueue(FakeReply.error(529, "overloaded_error", "Overloaded").withHeader("retry-after-ms", "100"));
        api.respondWith(request -> FakeReply.answer(FakeReply.toolUse("t1", "complete_task", "{\"summary\":\"Done.\"}")));

        Cli.Result plain = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md");

        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("  API overloaded, retrying in 0.1 s (attempt 2 of 6): HTTP 529 overloaded_error");

        api.enqueue(FakeReply.error(529, "overloaded_error", "Overloaded").withHeader("retry-after-ms", "100"));
        Cli.Result json = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");

        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.err()).as("stdout stays one JSON document").contains("API overloaded, retrying in 0.1 s");
        assertThat(json.out()).doesNotContain("retrying");
    }

    @Test
    void aScriptedRunNeedsNoKeyAndSaysItIsScripted() throws IOException {
        Path script = repo.resolve("script.jsonl");
        Files.writeString(script, """
                {"key":"feat-001","response":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Plan: report the blocker."},{"type":"tool_use","id":"t1","name":"report_blocked","input":{"type":"unclear_requirements","problem":"Which port?","need":"Name the port"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":900,"output_tokens":40}}}
                """);

        Cli.Result result = new Cli(repo).run("agent", "run", "tasks/engineer-backend/feat-001.md", "--script", "script.jsonl");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(result.out()).contains("SCRIPTED").contains("feat-001: blocked — unclear_requirements: Which port?");
        assertThat(repo.resolve("blocked/engineer-backend/feat-001-conflict.md")).content().contains("Name the port");
    }

    @Test
    void aForcedTaskIsRaisedToOpusWhateverItsFileSays() throws IOException {
        Files.writeString(repo.resolve("tasks/engineer-backend/feat-001.md"), Files.readString(
                repo.resolve("tasks/engineer-backend/feat-001.md")).replace("Add a health endpoint to the backend.",
                "Implement payment processing for card refunds in the billing service."));
        api.respondWith(request -> FakeReply.answer(FakeReply.toolUse("t1", "complete_task", "{\"summary\":\"Done.\"}")));

        Cli.Result result = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");

        assertThat(result.err()).contains("runs on opus, not sonnet: the routing policy forces it");
        assertThat(new ObjectMapper().readTree(result.out()).path("model").asText()).isEqualTo("opus");
        assertThat(api.requests().getFirst().json().path("model").asText()).isEqualTo("claude-opus-5-5");
    }

    @Test
    void anInvalidTaskFileIsBadInputWithItsLine() throws IOException {
        Files.writeString(repo.resolve("tasks/engineer-backend/feat-001.md"), Files.readString(
                repo.resolve("tasks/engineer-backend/feat-001.md")).replace("Model: sonnet", "Model: gpt4"));

        Cli.Result result = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("tasks/engineer-backend/feat-001.md:3:").contains("gpt4");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void withoutAKeyTheUserIsToldWhatToDo() {
        Cli.Result result = new Cli(repo).run("agent", "run", "tasks/engineer-backend/feat-001.md");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("ANTHROPIC_API_KEY is not set");
    }
}
