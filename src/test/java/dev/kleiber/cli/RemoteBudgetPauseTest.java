package dev.kleiber.cli;

import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One budget across machines: a worker whose call the day's limit refuses pauses the run for everyone — it hands the
 * task back, no worker claims the run's tasks again, and the run's conductor reports the pause with what to do; a
 * person's raise and {@code kleiber resume} let the workers go on.
 */
class RemoteBudgetPauseTest {
    private static final String KEY = "sk-ant-remote-budget-test-key";

    @TempDir
    Path tmp;

    @Test
    void aBudgetPauseOnAWorkerPausesTheRunEverywhereUntilAPersonRaisesTheLimit() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        // the day's limit is below one call's worst case: the first call is refused before it is made
        Path seed = tmp.resolve("seed");
        Path yaml = seed.resolve(".kleiber/kleiber.yaml");
        Files.writeString(yaml, Files.readString(yaml).replace("daily_usd: 50", "daily_usd: 0.01"));
        GitRepos.git(seed, "commit", "-q", "-am", "a tiny budget");
        GitRepos.git(seed, "push", "-q", bare.toString(), "HEAD:main");
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        WorkerJvm worker = null;
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> {
                int turn = (request.json().path("messages").size() + 1) / 2;
                return turn == 1 ? FakeApiRun.reply(FakeApiRun.write("src/services/stats.js", "export const stats = 1;\n"))
                        : FakeApiRun.reply(FakeApiRun.complete("Added src/services/stats.js."));
            });
            worker = WorkerJvm.start(tmp, "one", url, bare, api, KEY);
            Path planFile = tmp.resolve("plan.yaml");
            Files.writeString(planFile, new PlanFileWriter().write(new Plan(List.of(SamplePlans.backendTask("stats", "Add src/services/stats.js")))));
            Cli conductor = WorkerJvm.conductor(tmp, url, api, KEY, Clock.systemUTC());

            Cli.Result run = conductor.run("run", "--plan", planFile.toString(), "--remote", bare.toString());
            Matcher started = Pattern.compile("run (run-\\S+): 1 task").matcher(run.out());
            assertThat(started.find()).as(run.out() + run.err()).isTrue();
            String runId = started.group(1);
            assertThat(run.out() + run.err()).as("the conductor tells the worker's pause\n--- worker\n" + worker.output())
                    .contains("PAUSED for budget").contains("Daily budget of $0.01 would be passed").contains("kleiber budget raise");
            Thread.sleep(3000);
            assertThat(worker.output().lines().filter(l -> l.contains("claimed " + runId + "/stats")))
                    .as("the paused run is not claimed again, and again:\n" + worker.output()).hasSize(1);
            try (Store store = Store.open(url, Clock.systemUTC())) {
                assertThat(store.tasks().find(runId, "stats").orElseThrow().state()).isEqualTo(TaskState.QUEUED);
                assertThat(store.runs().find(runId).orElseThrow().state()).isEqualTo("paused");
            }

            assertThat(api.requests()).as("the guard refused the call before it was made").isEmpty();
            Cli.Result raised = conductor.run("budget", "raise", "--to", "5");
            assertThat(raised.exitCode()).as(raised.out() + raised.err()).isZero();
            Cli.Result resumed = conductor.run("resume");
            assertThat(resumed.exitCode()).as(resumed.out() + resumed.err() + "\n--- worker\n" + worker.output()).isZero();
            assertThat(resumed.out()).contains("run " + runId + ": 1 merged").contains("every task is merged.");
            assertThat(GitRepos.git(bare, "show", "main:src/services/stats.js")).contains("stats = 1");
        } finally {
            if (worker != null) {
                worker.kill9();
            }
        }
    }
}
