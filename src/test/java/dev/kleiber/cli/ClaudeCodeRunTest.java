package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.StoredRunEvent;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber run --plan} over a plan where one task names {@code runner: claude-code} and the other runs on
 * Kleiber's own loop: the real Claude Code CLI (sandboxed, behind the metering proxy) and Kleiber's agent both talk to
 * the fake Messages API; both tasks are committed, validated and merged the same way, their events are of the same
 * kinds, and the ledger holds exactly the usage the fake served to each.
 */
class ClaudeCodeRunTest {
    private static final String KEY = "sk-ant-test-CCRUN-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAN = """
            tasks:
              - id: doc-001
                title: Getting started notes
                agent: scribe
                description: Write docs/getting-started.md for new contributors.
                acceptance: [docs/getting-started.md explains how to run the tests]
                priority: p2
              - id: sum-001
                title: Sum helper
                agent: engineer-backend
                runner: claude-code
                description: Add a sum function to the backend.
                acceptance: [src/backend/sum.js exports sum]
                priority: p2
            """;

    @TempDir
    Path tmp;
    Path repo;
    FakeMessagesApi api;
    final List<FakeUsage> servedToClaude = new CopyOnWriteArrayList<>();
    final List<FakeUsage> servedToKleiber = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(List.of(System.getenv("PATH").split(":")).stream()
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, "claude"))), "claude is not installed (.ci/run installs it)");
        }
        repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
        api = FakeMessagesApi.start(KEY);
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private Cli cli() {
        return new Cli(new CliContext(repo, Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString(),
                "PATH", System.getenv("PATH")), Clock.systemUTC()));
    }

    private static boolean offers(RecordedRequest request, String tool) {
        return StreamSupport.stream(request.json().path("tools").spliterator(), false)
                .anyMatch(t -> t.path("name").asText().equals(tool));
    }

    /** The task's worktree, as Claude Code tells the model in its first message. */
    private static String workingDirectory(RecordedRequest request) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Primary working directory: (\\S+)").matcher(request.body());
        if (!m.find()) {
            throw new AssertionError("Claude Code named no working directory");
        }
        return m.group(1).replace("\\n", "");
    }

    private static long assistantTurns(RecordedRequest request) {
        return StreamSupport.stream(request.json().path("messages").spliterator(), false)
                .filter(m -> m.path("role").asText().equals("assistant")).count();
    }

    @Test
    void aTaskOnClaudeCodeIsRunMeteredAndMergedLikeTheOthers() throws Exception {
        api.respondWith(request -> {
            if (offers(request, "complete_task")) { // Kleiber's own agent
                FakeUsage usage = new FakeUsage(700 + servedToKleiber.size(), 40, 0, 0, 0);
                servedToKleiber.add(usage);
                return (request.json().path("messages").size() == 1
                        ? FakeReply.answer(FakeReply.toolUse("t1", "write_file",
                        "{\"path\":\"docs/getting-started.md\",\"content\":\"# Getting started\\n\\nRun the tests.\\n\"}"))
                        : FakeReply.answer(FakeReply.toolUse("t2", "complete_task", "{\"summary\":\"Wrote the notes.\"}")))
                        .withUsage(usage);
            }
            FakeUsage usage = new FakeUsage(1000 + servedToClaude.size(), 50, 0, 0, 0);
            servedToClaude.add(usage);
            if (!offers(request, "Bash")) { // Claude Code's side calls
                return FakeReply.answer(FakeReply.text("ok")).withUsage(usage);
            }
            return (assistantTurns(request) == 0
                    ? FakeReply.answer(FakeReply.text("I will add src/backend/sum.js."), FakeReply.toolUse("w1", "Write",
                    "{\"file_path\":\"" + workingDirectory(request) + "/src/backend/sum.js\","
                            + "\"content\":\"export const sum = (a, b) => a + b;\\n\"}"))
                    : FakeReply.answer(FakeReply.text("Added sum in src/backend/sum.js."))).withUsage(usage);
        });

        Cli.Result run = cli().run("run", "--plan", "plan.yaml", "--no-board");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("every task is merged.");
        assertThat(run.out() + run.err()).doesNotContain(KEY);
        assertThat(GitRepos.git(repo, "show", "main:src/backend/sum.js")).contains("export const sum");
        assertThat(GitRepos.git(repo, "show", "main:docs/getting-started.md")).contains("Getting started");
        assertThat(GitRepos.git(repo, "log", "--format=%B", "main")).contains("Kleiber-Task: sum-001")
                .contains("Kleiber-Task: doc-001");
        assertThat(repo.resolve("complete/engineer-backend/sum-001-done.md")).exists();

        JsonNode status = JSON.readTree(cli().run("status", "--json").out());
        String runId = status.path("run").asText();
        assertThat(status.path("tasks")).allSatisfy(task -> {
            assertThat(task.path("state").asText()).isEqualTo("merged");
            assertThat(task.path("costUsd").decimalValue()).isPositive();
        });
        // every Claude Code request asked for the model the router chose for the task, which the ledger bills
        List<RecordedRequest> claude = api.requests().stream().filter(r -> !offers(r, "complete_task"))
                .filter(r -> r.path().equals("/v1/messages")).toList();
        assertThat(claude).isNotEmpty().hasSize(servedToClaude.size());
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            List<String> models = store.database().read(tx -> tx.query(
                    "SELECT DISTINCT model_id FROM ledger WHERE run_id = ? AND task_id = 'sum-001'", rs -> rs.getString(1), runId));
            assertThat(models).hasSize(1);
            assertThat(claude).allSatisfy(r -> assertThat(r.json().path("model").asText()).isEqualTo(models.getFirst()));
            // the ledger is the fake's usage, task by task
            for (var task : Map.of("sum-001", servedToClaude, "doc-001", servedToKleiber).entrySet()) {
                long calls = store.database().read(tx -> tx.number(
                        "SELECT COUNT(*) FROM ledger WHERE run_id = ? AND task_id = ?", runId, task.getKey()));
                long input = store.database().read(tx -> tx.number(
                        "SELECT SUM(input_tokens) FROM ledger WHERE run_id = ? AND task_id = ?", runId, task.getKey()));
                long output = store.database().read(tx -> tx.number(
                        "SELECT SUM(output_tokens) FROM ledger WHERE run_id = ? AND task_id = ?", runId, task.getKey()));
                assertThat(calls).as(task.getKey()).isEqualTo(task.getValue().size());
                assertThat(input).as(task.getKey()).isEqualTo(task.getValue().stream().mapToLong(FakeUsage::input).sum());
                assertThat(output).as(task.getKey()).isEqualTo(task.getValue().stream().mapToLong(FakeUsage::output).sum());
            }
            // the rest of the run cannot tell the two apart: the same kinds of events, in the same order, and one more
            // for the session on Claude Code: the ledger's figures beside Claude Code's own cost
            List<StoredRunEvent> events = store.runEvents().after(runId, 0, 1000);
            List<String> claudeKinds = kinds(events, "sum-001");
            assertThat(claudeKinds.stream().filter(k -> !k.equals("ClaudeCodeSession")).toList())
                    .isEqualTo(kinds(events, "doc-001"))
                    .containsSubsequence("TaskPlanned", "TaskStarted", "SessionBilled", "Validated", "Merged");
            assertThat(claudeKinds).containsSubsequence("TaskStarted", "ClaudeCodeSession", "Validated");
            JsonNode session = JSON.readTree(events.stream().filter(e -> e.kind().equals("ClaudeCodeSession"))
                    .findFirst().orElseThrow().json());
            assertThat(session.path("calls").asLong()).isEqualTo(servedToClaude.size());
            assertThat(session.path("inputTokens").asLong()).isEqualTo(servedToClaude.stream().mapToLong(FakeUsage::input).sum());
            assertThat(session.path("ledgerCostUsd").decimalValue()).isEqualByComparingTo(java.math.BigDecimal.valueOf(store.database().read(tx ->
                    tx.number("SELECT SUM(cost_pusd) FROM ledger WHERE run_id = ? AND task_id = 'sum-001'", runId)), 12));
            assertThat(session.path("reportedCostUsd").isNumber()).as("Claude Code's own figure, kept beside").isTrue();
            assertThat(session.path("result").asText()).isEqualTo("success");
            assertThat(store.events().ofRun(runId)).noneMatch(e -> e.kind().equals("claude-code.session"));
        }
        assertThat(GitRepos.git(repo, "status", "--porcelain", "--untracked-files=all")).as("left uncommitted").isEmpty();
    }

    /** The task's event kinds in order, repeats of billing folded (the two sessions make different numbers of calls). */
    private static List<String> kinds(List<StoredRunEvent> events, String task) {
        List<String> kinds = new java.util.ArrayList<>();
        for (StoredRunEvent event : events) {
            if (event.taskId() != null && event.taskId().equals(task)
                    && (kinds.isEmpty() || !kinds.getLast().equals(event.kind()))) {
                kinds.add(event.kind());
            }
        }
        return kinds;
    }
}
