package dev.kleiber.cli;

import dev.kleiber.conductor.RemoteCache;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlannedTask;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A merge conflict in a run on many machines is resolved as on one machine: two {@code kleiber worker} JVMs add the
 * same file differently; the second merge into the remote's main conflicts; the run's conductor ({@code kleiber run
 * --remote}), which has none of the run's branches in its checkout, makes the resolution branch from the remote's
 * main and the task's pushed branch and pushes it; a worker's agent resolves the conflict there, the resolution
 * merges, the conflicting task closes as merged through it, and the session's summary reaches the remote's main.
 */
class RemoteConflictResolutionTest {
    private static final String KEY = "sk-ant-remote-conflict-test-key";
    private static final String FILE = "src/services/shared.js";

    @TempDir
    Path tmp;

    private static PlannedTask task(String id) {
        return SamplePlans.backendTask(id, "Add " + FILE + " for " + id);
    }

    @Test
    void aConflictOnTheRemotesMainIsResolvedOnAResolutionBranchTheConductorPushesAndTheSummaryIsPushedToo() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        List<String> resolverSaw = Collections.synchronizedList(new ArrayList<>());
        // both tasks start from the same main: alpha completes only once bravo's agent has begun
        CountDownLatch bravoBegan = new CountDownLatch(1);
        List<WorkerJvm> workers = new ArrayList<>();
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> {
                String task = FakeApiRun.taskOf(request);
                int turn = (request.json().path("messages").size() + 1) / 2;
                switch (task) {
                    case "alpha" -> {
                        if (turn == 1) {
                            return FakeApiRun.reply(FakeApiRun.write(FILE, "export const shared = 'alpha';\n"));
                        }
                        await(bravoBegan);
                        return FakeApiRun.reply(FakeApiRun.complete("Added " + FILE + " for alpha."));
                    }
                    case "bravo" -> {
                        if (turn == 1) {
                            bravoBegan.countDown();
                            return FakeApiRun.reply(FakeApiRun.write(FILE, "export const shared = 'bravo';\n"));
                        }
                        // bravo merges after alpha: its merge into the remote's main then conflicts
                        awaitOnRemoteMain(bare);
                        return FakeApiRun.reply(FakeApiRun.complete("Added " + FILE + " for bravo."));
                    }
                    case "resolve-bravo" -> {
                        if (turn == 1) {
                            resolverSaw.add(request.json().path("messages").path(0).toString());
                            return FakeApiRun.reply(FakeApiRun.write(FILE, "export const shared = ['alpha', 'bravo'];\n"));
                        }
                        return FakeApiRun.reply(FakeApiRun.complete("Kept both values in " + FILE + "."));
                    }
                    default -> {
                        unexpected.add(request.body());
                        return FakeReply.error(400, "invalid_request_error", "the test did not expect this request");
                    }
                }
            });
            workers.add(WorkerJvm.start(tmp, "one", url, bare, api, KEY));
            workers.add(WorkerJvm.start(tmp, "two", url, bare, api, KEY));
            Path planFile = tmp.resolve("plan.yaml");
            Files.writeString(planFile, new PlanFileWriter().write(new Plan(List.of(task("alpha"), task("bravo")))));
            Cli conductor = WorkerJvm.conductor(tmp, url, api, KEY, Clock.systemUTC());

            Cli.Result run = conductor.run("run", "--plan", planFile.toString(), "--remote", bare.toString());
            Matcher started = Pattern.compile("run (run-\\S+): 2 tasks").matcher(run.out());
            assertThat(started.find()).as(run.out() + run.err()).isTrue();
            String runId = started.group(1);
            assertThat(run.exitCode()).as(run.out() + run.err() + "\n--- workers\n" + workers.get(0).output()
                    + "\n---\n" + workers.get(1).output()).isZero();
            assertThat(run.out()).contains("run " + runId + ": 3 merged, 0 awaiting review, 0 blocked")
                    .contains("every task is merged.");

            assertThat(GitRepos.git(bare, "show", "main:" + FILE)).contains("['alpha', 'bravo']").doesNotContain("<<<<<<<");
            assertThat(resolverSaw).as("the resolution's agent was told of the conflict").singleElement().asString()
                    .contains(FILE);
            try (Store store = Store.open(url, Clock.systemUTC())) {
                assertThat(store.tasks().find(runId, "bravo").orElseThrow().state()).isEqualTo(TaskState.MERGED);
                assertThat(store.tasks().find(runId, "resolve-bravo").orElseThrow().state()).isEqualTo(TaskState.MERGED);
                assertThat(store.merges().find(runId, "bravo").orElseThrow().commit())
                        .as("bravo landed through its resolution's merge")
                        .isEqualTo(store.merges().find(runId, "resolve-bravo").orElseThrow().commit());
            }
            String bravoBranch = GitRepos.git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads/").lines()
                    .filter(b -> b.contains("bravo") && !b.contains("resolve")).findFirst().orElseThrow();
            assertThat(GitRepos.git(bare, "merge-base", "--is-ancestor", bravoBranch, "main")).isEmpty();
            // the session's summary is written once, by the conductor, on the remote's main
            assertThat(GitRepos.git(bare, "show", "main:PROGRESS.md")).contains(runId);
            assertThat(GitRepos.git(bare, "log", "--format=%s", "main")).contains("kleiber: summary of run " + runId);
            // with a row for every agent session the workers ran, from the ledger (their own logs stay in their caches)
            assertThat(GitRepos.git(bare, "show", "main:orchestration_log.md").lines()
                    .filter(line -> line.startsWith("| ") && line.contains("| engineer-backend |")))
                    .anySatisfy(row -> assertThat(row).contains("| alpha |"))
                    .anySatisfy(row -> assertThat(row).contains("| bravo |"))
                    .anySatisfy(row -> assertThat(row).contains("| resolve-bravo |"))
                    .doesNotHaveDuplicates();
            assertThat(tmp.resolve("home-conductor/.cache/kleiber/review/" + RemoteCache.folderOf(bare.toString()) + "/repo"))
                    .as("the conductor works in this machine's clone of the remote, not in its checkout").isDirectory();
            // the checkout holds the blocked file it received and answered (ADR 0133) and nothing of the clone
            assertThat(GitRepos.git(tmp.resolve("conductor"), "status", "--porcelain", "--untracked-files=all").lines())
                    .containsExactly("?? blocked/engineer-backend/bravo-conflict.md");
            assertThat(unexpected).isEmpty();
            for (WorkerJvm worker : workers) {
                worker.terminate();
                assertThat(worker.output()).doesNotContain(KEY);
            }
        } finally {
            workers.forEach(WorkerJvm::kill9);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).as("the other task began").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitOnRemoteMain(Path bare) {
        for (int i = 0; i < 600; i++) {
            try {
                GitRepos.git(bare, "cat-file", "-e", "main:" + FILE);
                return;
            } catch (IllegalStateException notYet) {
                // alpha's merge has not landed
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("alpha never reached the remote's main");
    }
}
