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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task whose plan names {@code runner: claude-code}, run by a {@code kleiber worker} JVM of its own (as on another
 * machine: its own clone of the shared git remote, the shared store) with the real Claude Code CLI, sandboxed behind
 * the metering proxy, against the fake Messages API: the worker picks the runner from the run's recorded plan, and
 * the task is metered on the routed model, merged on the remote's main, and its session told as a run event.
 */
class ClaudeCodeWorkerTest {
    private static final String KEY = "sk-ant-test-CCWORKER-0123456789";
    private static final String RUN = "run-20261207-070000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAN = """
            tasks:
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

    @Test
    void aRemoteWorkerRunsAPlannedClaudeCodeTaskMeteredToTheMerge() throws Exception {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(List.of(System.getenv("PATH").split(":")).stream()
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, "claude"))), "claude is not installed (.ci/run installs it)");
        }
        Path bare = WorkerJvm.initializedRemote(tmp);
        Path checkout = tmp.resolve("conductor");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), checkout.toString());
        Files.writeString(checkout.resolve("plan.yaml"), PLAN);
        StoreUrl store = new StoreUrl.Sqlite(tmp.resolve("state.db"));
        List<FakeUsage> served = new CopyOnWriteArrayList<>();

        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> {
                FakeUsage usage = new FakeUsage(1000 + served.size(), 50, 0, 0, 0);
                served.add(usage);
                if (!offers(request, "Bash")) { // Claude Code's side calls
                    return FakeReply.answer(FakeReply.text("ok")).withUsage(usage);
                }
                boolean first = StreamSupport.stream(request.json().path("messages").spliterator(), false)
                        .noneMatch(m -> m.path("role").asText().equals("assistant"));
                return (first ? FakeReply.answer(FakeReply.text("I will add src/backend/sum.js."), FakeReply.toolUse("w1",
                        "Write", "{\"file_path\":\"" + workingDirectory(request) + "/src/backend/sum.js\","
                                + "\"content\":\"export const sum = (a, b) => a + b;\\n\"}"))
                        : FakeReply.answer(FakeReply.text("Added sum in src/backend/sum.js."))).withUsage(usage);
            });
            long t0 = System.nanoTime();
            Process worker = startWorker(bare, store, api);
            ByteArrayOutputStream workerOutput = new ByteArrayOutputStream();
            Thread.ofVirtual().start(() -> {
                try {
                    worker.getInputStream().transferTo(workerOutput);
                } catch (java.io.IOException e) {
                    // the worker ended
                }
            });
            Cli.Result run;
            try {
                Cli conductor = new Cli(new CliContext(checkout, Map.of("PATH", System.getenv("PATH"),
                        "HOME", Files.createDirectories(tmp.resolve("home-conductor")).toString(),
                        "KLEIBER_STORE", store.toString(), "ANTHROPIC_API_KEY", KEY,
                        "ANTHROPIC_BASE_URL", api.baseUrl().toString()),
                        Clock.fixed(Instant.parse("2026-12-07T07:00:00Z"), ZoneOffset.UTC)));
                run = conductor.run("run", "--plan", "plan.yaml", "--remote", bare.toString(), "--no-board");
            } finally {
                worker.destroy(); // SIGTERM: the worker hands back what it holds and ends
                if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
            String log = workerOutput.toString(StandardCharsets.UTF_8);
            System.out.printf("worker JVM up, task run by Claude Code, merged, worker stopped: %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);

            assertThat(run.exitCode()).as(run.out() + run.err() + "\n--- worker\n" + log).isZero();
            assertThat(GitRepos.git(bare, "show", "main:src/backend/sum.js")).contains("export const sum");
            assertThat(GitRepos.git(bare, "log", "--format=%B", "main")).contains("Kleiber-Task: sum-001");
            assertThat(run.out() + run.err() + log).doesNotContain(KEY);
            List<RecordedRequest> calls = api.requests().stream().filter(r -> r.path().equals("/v1/messages")).toList();
            assertThat(calls).as("Claude Code, not Kleiber's loop, ran the task").isNotEmpty()
                    .allSatisfy(r -> assertThat(offers(r, "complete_task")).isFalse());
            try (Store opened = Store.open(store, Clock.systemUTC())) {
                List<String> models = opened.database().read(tx -> tx.query(
                        "SELECT DISTINCT model_id FROM ledger WHERE run_id = ? AND task_id = 'sum-001'", rs -> rs.getString(1), RUN));
                assertThat(models).hasSize(1);
                assertThat(calls).allSatisfy(r -> assertThat(r.json().path("model").asText()).isEqualTo(models.getFirst()));
                long input = opened.database().read(tx -> tx.number(
                        "SELECT SUM(input_tokens) FROM ledger WHERE run_id = ? AND task_id = 'sum-001'", RUN));
                assertThat(input).isEqualTo(served.stream().mapToLong(FakeUsage::input).sum());
                List<StoredRunEvent> events = opened.runEvents().after(RUN, 0, 1000);
                List<String> kinds = new ArrayList<>(events.stream().filter(e -> e.taskId().equals("sum-001"))
                        .map(StoredRunEvent::kind).toList());
                assertThat(kinds).containsSubsequence("TaskStarted", "ClaudeCodeSession", "Validated", "Merged");
                JsonNode session = JSON.readTree(events.stream().filter(e -> e.kind().equals("ClaudeCodeSession"))
                        .findFirst().orElseThrow().json());
                assertThat(session.path("calls").asLong()).isEqualTo(served.size());
                assertThat(session.path("model").asText()).isEqualTo(models.getFirst());
            }
        }
    }

    /** {@code kleiber worker} in a JVM of its own, with a clean environment: the store, the remote, the key. */
    private Process startWorker(Path bare, StoreUrl store, FakeMessagesApi api) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.kleiber.cli.Main", "worker",
                "--remote", bare.toString(), "--cache", tmp.resolve("machine").toString(), "--lease-seconds", "10",
                "--grace-seconds", "0").directory(tmp.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", Files.createDirectories(tmp.resolve("home-worker")).toString());
        env.put("KLEIBER_STORE", store.toString());
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("ANTHROPIC_BASE_URL", api.baseUrl().toString());
        return builder.start();
    }
}
