package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.FakeApiRun;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SamplePlans;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber run --remote} with tasks queued and no live worker that can take them (none at all, or only one of
 * another remote): after {@code --wait-for-workers} the conductor says so — which remote, which tasks, the command
 * that starts a worker — stops following with exit 1 and leaves the run waiting; {@code kleiber status} says why,
 * and the metrics the deploy alert reads count its ready task.
 * A bad time is refused before anything is planned.
 */
class RemoteRunNoWorkerTest {
    private static final String KEY = "sk-ant-no-worker-test-key";
    private static final String PLAN = SamplePlans.ALPHA_THEN_BRAVO;

    @TempDir
    Path tmp;

    @Test
    void withNoLiveWorkerOfItsRemoteTheConductorSaysSoAndStopsFollowingLeavingTheRunWaiting() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        Path plan = Files.writeString(tmp.resolve("plan.yaml"), PLAN);
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            // nothing here may ask a model: no task runs, no blocked work is answered
            api.respondWith(request -> FakeReply.error(400, "invalid_request_error", "the test did not expect a call"));
            Cli conductor = WorkerJvm.conductor(tmp, url, api, KEY, Clock.systemUTC());
            try (Store store = Store.open(url, Clock.systemUTC())) {
                // alive, but a worker of another repository: it never takes this run's tasks
                store.workers().register("worker-elsewhere", "build-9", 9, 4, Set.of(), "/srv/other.git", Duration.ofMinutes(5));
            }

            Cli.Result bad = conductor.run("run", "--plan", plan.toString(), "--remote", bare.toString(),
                    "--wait-for-workers", "soon");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("--wait-for-workers must be a time from 1s to 24h such as 90s, 2m or 1h; found 'soon'");

            long started = System.nanoTime();
            Cli.Result run = conductor.run("run", "--plan", plan.toString(), "--remote", bare.toString(),
                    "--wait-for-workers", "2s");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
            Matcher id = Pattern.compile("run (run-\\S+): 2 tasks").matcher(run.out());
            assertThat(id.find()).isTrue();
            String runId = id.group(1);
            assertThat(run.out()).contains("no live worker of " + bare + " for 2 s, with 1 task(s) queued (alpha): start one "
                            + "with `kleiber worker --remote " + bare + "`")
                    .contains("alpha is queued").contains("bravo waits for alpha")
                    .contains("stopped following run " + runId + ": no live worker of " + bare + " for 2 s. Start one "
                            + "(`kleiber worker --remote " + bare + "`): it takes the run's tasks; `kleiber resume` follows the run again.");
            assertThat(took).as("bounded by the wait, not by the run").isLessThan(Duration.ofSeconds(60));
            try (Store store = Store.open(url, Clock.systemUTC())) {
                assertThat(store.runs().find(runId).orElseThrow().state()).as("resumable").isEqualTo("waiting");
                assertThat(store.tasks().states(runId).values()).doesNotContain(TaskState.RUNNING, TaskState.CANCELLED);
                assertThat(store.runEvents().after(runId, 0, 1000)).extracting(e -> e.kind()).contains("NoLiveWorker");
            }

            Cli.Result status = conductor.run("status");
            assertThat(status.out()).contains("run " + runId + " (waiting)")
                    .contains("waits for a worker: 1 task(s) ready and no live worker of " + bare + " can take them; "
                            + "start one: `kleiber worker --remote " + bare + "`");
            JsonNode json = new ObjectMapper().readTree(conductor.run("status", "--json").out());
            assertThat(json.path("waitingForWorker").path("remote").asText()).isEqualTo(bare.toString());
            assertThat(json.path("waitingForWorker").path("how").asText()).isEqualTo("kleiber worker --remote " + bare);
            // the deploy alert KleiberNoLiveWorker reads the same: a remote run's ready task, which only a worker takes
            Cli.Result metrics = conductor.run("metrics");
            assertThat(metrics.exitCode()).as(metrics.err()).isZero();
            assertThat(metrics.out()).containsPattern("(?m)^kleiber_queue_depth_remote 1\\.0$")
                    .containsPattern("(?m)^kleiber_queue_depth 1\\.0$");
            assertThat(api.requests()).as("no model was asked").isEmpty();

            // a worker that starts now takes the waiting run's tasks, with nobody resuming it
            api.respondWith(request -> {
                String task = FakeApiRun.taskOf(request);
                int turn = (request.json().path("messages").size() + 1) / 2;
                ObjectNode call = turn == 1 ? FakeApiRun.write("src/services/" + task + ".js", "export const " + task + " = 1;\n")
                        : FakeApiRun.complete("Added src/services/" + task + ".js.");
                return FakeReply.answer(FakeReply.toolUse("toolu_" + task + turn, call.path("name").asText(),
                        call.path("input").toString()));
            });
            WorkerJvm worker = WorkerJvm.start(tmp, "late", url, bare, api, KEY);
            try (Store store = Store.open(url, Clock.systemUTC())) {
                long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (store.tasks().states(runId).values().stream().anyMatch(s -> s != TaskState.MERGED)
                        && System.nanoTime() < until) {
                    Thread.sleep(200);
                }
                assertThat(store.tasks().states(runId).values()).as(worker.output()).containsOnly(TaskState.MERGED);
            } finally {
                worker.kill9();
            }
            assertThat(GitRepos.git(bare, "show", "main:src/services/bravo.js")).contains("bravo = 1");
        }
    }

    @Test
    void aTimeForTheWaitIsReadAsSecondsMinutesOrHours() {
        assertThat(List.of("90s", "2m", "1h", " 30s ").stream().map(t -> WaitForWorkers.parse(t, "--wait-for-workers")))
                .containsExactly(Duration.ofSeconds(90), Duration.ofMinutes(2), Duration.ofHours(1), Duration.ofSeconds(30));
        CliContext env = new CliContext(tmp, Map.of(WaitForWorkers.ENV, "45s"), Clock.systemUTC());
        assertThat(WaitForWorkers.of(java.util.Optional.empty(), env)).isEqualTo(Duration.ofSeconds(45));
        assertThat(WaitForWorkers.of(java.util.Optional.of("3m"), env)).as("the option wins").isEqualTo(Duration.ofMinutes(3));
        assertThat(WaitForWorkers.of(java.util.Optional.empty(), new CliContext(tmp, Map.of(), Clock.systemUTC())))
                .isEqualTo(WaitForWorkers.DEFAULT);
        for (String bad : List.of("0s", "25h", "2", "2 minutes", "-1m", "")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> WaitForWorkers.parse(bad, "$" + WaitForWorkers.ENV))
                    .hasMessageContaining("$KLEIBER_WAIT_FOR_WORKERS must be a time from 1s to 24h").hasMessageContaining("'" + bad + "'");
        }
    }
}
