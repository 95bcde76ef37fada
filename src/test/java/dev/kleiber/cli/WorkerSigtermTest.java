package dev.kleiber.cli;

import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code kleiber worker} JVM stopped with SIGTERM while its agent is mid-call: after its grace it hands the task
 * back (queued at once for another worker, its lease gone), deregisters and exits 143; nothing of it is left in the
 * store.
 */
class WorkerSigtermTest {
    private static final String KEY = "sk-ant-sigterm-test-key";

    @TempDir
    Path tmp;

    @Test
    void aWorkerStoppedMidTaskHandsItBackAndLeavesNothingInTheStore() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        Path checkout = tmp.resolve("conductor");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), checkout.toString());
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        WorkerJvm worker = null;
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> {
                called.countDown();
                try {
                    // the agent is mid-call when the worker is told to stop
                    stopped.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeReply.error(529, "overloaded_error", "the worker that asked has stopped");
            });
            worker = WorkerJvm.start(tmp, "one", url, bare, api, KEY);
            Path plan = Files.writeString(tmp.resolve("plan.yaml"), new PlanFileWriter().write(new Plan(List.of(
                    new PlannedTask("alpha", "Task alpha", "engineer-backend", "Add src/services/alpha.js",
                            List.of("the file exists"), Optional.empty(), Optional.empty(), List.of(), Priority.P1,
                            List.of(), Optional.empty())))));
            Cli conductor = new Cli(new CliContext(checkout, Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString(),
                    "KLEIBER_STORE", url.toString(), "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString()),
                    Clock.systemUTC()));
            Cli.Result enqueued = conductor.run("run", "--plan", plan.toString(), "--remote", bare.toString(), "--detach");
            assertThat(enqueued.exitCode()).as(enqueued.out() + enqueued.err()).isZero();
            assertThat(called.await(90, TimeUnit.SECONDS)).as(worker.output()).isTrue();

            worker.terminate();
            int exit = worker.exitCode();
            stopped.countDown();

            assertThat(exit).as(worker.output()).isEqualTo(143);
            try (Store store = Store.open(url, Clock.systemUTC())) {
                String runId = store.runs().all().getFirst().id();
                assertThat(store.tasks().find(runId, "alpha").orElseThrow().state()).as("queued for another worker")
                        .isEqualTo(TaskState.QUEUED);
                assertThat(store.events().ofTask(runId, "alpha")).extracting(e -> e.kind()).as("handed back, not failed")
                        .containsSubsequence("task.running", "task.queued").doesNotContain("task.failed", "task.blocked");
                assertThat(store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases"))).isZero();
                assertThat(store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM reservations"))).isZero();
                assertThat(store.workers().live()).isEmpty();
            }
            assertThat(worker.output()).contains("stopping: running tasks get 5 s, then are handed back")
                    .containsPattern("handed back run-\\S+/alpha").doesNotContain(KEY);
        } finally {
            if (worker != null) {
                worker.kill9();
            }
        }
    }
}
