package dev.kleiber.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.conductor.RemoteBlocked;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.RecordedRequest;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocked work of a run on many machines reaches a person and continues once answered: a {@code kleiber worker} JVM
 * runs a task whose agent reports itself blocked; the worker sends the blocked file through the store, the run's
 * conductor ({@code kleiber run --remote}) receives it into its checkout and, through its model, asks a person;
 * {@code kleiber answer} and {@code kleiber resume} give the conductor the person's answer, it escalates the task, and
 * the worker completes it on the remote's main with the answer in the agent's feedback.
 */
class RemoteBlockedWorkTest {
    private static final String KEY = "sk-ant-remote-blocked-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "Use the DHL rate table in docs/rates.csv";

    @TempDir
    Path tmp;

    private static PlannedTask task(String id) {
        return SamplePlans.backendTask(id, "Add src/services/" + id + ".js");
    }

    @Test
    void aWorkersBlockedTaskReachesAPersonThroughTheRunsConductorAndContinuesOnTheWorkerOnceAnswered() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean feedbackReachedAgent = new AtomicBoolean();
        WorkerJvm worker = null;
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> {
                List<String> tools = new ArrayList<>();
                request.json().path("tools").forEach(t -> tools.add(t.path("name").asText()));
                if (tools.contains("answer_blocked")) {
                    // the person's answer is in the blocked file the conductor reads: then it escalates with it
                    String text = request.json().path("messages").path(0).toString();
                    ObjectNode answer = text.contains(ANSWER)
                            ? JSON.createObjectNode().put("decision", "escalate").put("reason", "The person answered.")
                            .put("learnt", "The person said: " + ANSWER)
                            : JSON.createObjectNode().put("decision", "ask_human").put("reason", "Only the business knows.")
                            .put("question", FakeApiRun.QUESTION);
                    return FakeApiRun.reply(FakeApiRun.call("answer_blocked", answer));
                }
                String task = FakeApiRun.taskOf(request);
                int turn = (request.json().path("messages").size() + 1) / 2;
                boolean opus = request.json().path("model").asText().contains("opus");
                if (task.equals("bravo") && !opus) {
                    return FakeApiRun.reply(FakeApiRun.blocked("Which carrier's rates apply is not written anywhere"));
                }
                if (task.equals("bravo") && turn == 1) {
                    feedbackReachedAgent.set(firstMessage(request).contains(ANSWER));
                }
                if (task.equals("alpha") || task.equals("bravo")) {
                    return turn == 1 ? FakeApiRun.reply(FakeApiRun.write("src/services/" + task + ".js", "export const " + task + " = 1;\n"))
                            : FakeApiRun.reply(FakeApiRun.complete("Added src/services/" + task + ".js."));
                }
                unexpected.add(request.body());
                return FakeReply.error(400, "invalid_request_error", "the test did not expect this request");
            });
            worker = WorkerJvm.start(tmp, "one", url, bare, api, KEY);
            Path planFile = tmp.resolve("plan.yaml");
            Files.writeString(planFile, new PlanFileWriter().write(new Plan(List.of(task("alpha"), task("bravo")))));
            // the machines' clocks agree: the conductor's leases are judged by the workers' clocks
            Cli conductor = WorkerJvm.conductor(tmp, url, api, KEY, Clock.systemUTC());

            Cli.Result run = conductor.run("run", "--plan", planFile.toString(), "--remote", bare.toString());
            Matcher started = Pattern.compile("run (run-\\S+): 2 tasks").matcher(run.out());
            assertThat(started.find()).as(run.out() + run.err()).isTrue();
            String runId = started.group(1);
            assertThat(run.exitCode()).as(run.out() + run.err() + "\n--- worker\n" + worker.output()).isZero();
            Path blockedFile = tmp.resolve("conductor/blocked/engineer-backend/bravo-conflict.md");
            assertThat(run.out()).as(Files.exists(blockedFile) ? Files.readString(blockedFile) : "no blocked file")
                    .contains("run " + runId + ": 1 merged, 0 awaiting review, 1 blocked")
                    .contains("bravo is blocked, the conductor asks a person: " + FakeApiRun.QUESTION)
                    .contains("`kleiber answer bravo \"TEXT\"`");
            assertThat(Files.readString(blockedFile)).as("the worker's blocked file, in the conductor's checkout")
                    .contains("Which carrier's rates apply").contains("Asked a person: " + FakeApiRun.QUESTION);
            assertThat(conductor.run("status").out()).contains("the conductor asks a person: " + FakeApiRun.QUESTION);

            Cli.Result answered = conductor.run("answer", "bravo", ANSWER);
            assertThat(answered.exitCode()).as(answered.out() + answered.err()).isZero();
            Cli.Result resumed = conductor.run("resume");
            assertThat(resumed.exitCode()).as(resumed.out() + resumed.err() + "\n--- worker\n" + worker.output()).isZero();
            assertThat(resumed.out()).contains("runs on the workers of " + bare)
                    .contains("run " + runId + ": 2 merged, 0 awaiting review, 0 blocked").contains("every task is merged.");

            assertThat(feedbackReachedAgent).as("bravo's agent on the worker got the person's answer").isTrue();
            assertThat(GitRepos.git(bare, "show", "main:src/services/bravo.js")).contains("bravo = 1");
            assertThat(unexpected).isEmpty();
            try (Store store = Store.open(url, Clock.systemUTC())) {
                assertThat(store.tasks().find(runId, "bravo").orElseThrow().state()).isEqualTo(TaskState.MERGED);
                assertThat(store.events().ofTask(runId, "bravo")).filteredOn(e -> e.kind().equals(RemoteBlocked.EVENT))
                        .as("the worker sent its blocked file once").hasSize(1);
            }
            assertThat(Files.exists(tmp.resolve("machine-one/repo/blocked/engineer-backend/bravo-conflict.md")))
                    .as("nothing left in the worker's checkout").isFalse();
            worker.terminate();
            assertThat(worker.exitCode()).isEqualTo(143);
            assertThat(worker.output()).doesNotContain(KEY);
        } finally {
            if (worker != null) {
                worker.kill9();
            }
        }
    }

    private static String firstMessage(RecordedRequest request) {
        return request.json().path("messages").path(0).toString();
    }
}
