package dev.kleiber.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.cli.ServerProcess;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kleiber.server.ApiFixture.get;
import static dev.kleiber.server.ApiFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs started and stopped through the API, in the real server's conductor, planned and worked by the fake Messages
 * API over HTTP: a request is planned in the background (its id answers 409 while planning), its task blocks and the
 * conductor asks a person, who answers through the API; a request whose plan fails and one cancelled while planning
 * answer 410 with why; a running run is cancelled. Admin scope starts and cancels, approve scope answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiRunsTest {
    private static final String KEY = "sk-ant-api-runs-key";
    private static final Pattern TASK_HEADING = Pattern.compile("(?m)^# Task: (\\S+)");
    private static final FakeUsage USAGE = new FakeUsage(2000, 300, 0, 0, 0);
    private static final String QUESTION = "Which carriers do we ship with?";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final CountDownLatch planHeld = new CountDownLatch(1);
    private final CountDownLatch releasePlan = new CountDownLatch(1);
    private final CountDownLatch slowPlanHeld = new CountDownLatch(1);
    private final CountDownLatch releaseSlowPlan = new CountDownLatch(1);
    private final CountDownLatch noteHeld = new CountDownLatch(1);
    private final CountDownLatch releaseNote = new CountDownLatch(1);

    private Path repo;
    private Cli cli;
    private FakeMessagesApi api;
    private ServerProcess server;
    private String reader;
    private String approver;
    private String admin;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        repo = SampleShop.copyTo(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");
        api = FakeMessagesApi.start(KEY);
        api.respondWith(this::answer);
        CliContext context = new CliContext(repo, Map.of("PATH", System.getenv("PATH"), "ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", api.baseUrl().toString()), Clock.systemUTC());
        cli = new Cli(context);
        reader = token("wall", "read");
        approver = token("phone", "approve");
        admin = token("ops", "admin");
        server = ServerProcess.start(context, Optional.of("127.0.0.1"), Optional.of(0), Optional.empty(),
                new PrintWriter(new StringWriter(), true));
    }

    @AfterAll
    void stop() {
        releasePlan.countDown();
        releaseSlowPlan.countDown();
        releaseNote.countDown();
        if (server != null) {
            server.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    @Order(1)
    void aRequestIsPlannedInTheBackgroundItsTaskAsksAPersonAndAnApproverAnswersThroughTheApi() throws Exception {
        String body = "{\"request\": \"Add shipping rates for the checkout\"}";
        post(server, "/api/v1/runs", reader, body).problem(403, "this needs admin");
        post(server, "/api/v1/runs", approver, body).problem(403, "this needs admin");
        post(server, "/api/v1/runs", admin, "{\"request\": \"x\", \"plan\": \"tasks: []\"}").problem(400, "either");

        ApiFixture.Response started = post(server, "/api/v1/runs", admin, body);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String runId = started.json().path("run").asText();
        assertThat(started.json().path("state").asText()).isEqualTo("planning");
        assertThat(started.header("Location")).hasValue("/api/v1/runs/" + runId);

        // while the conductor's planning call is under way, the id is known but not yet a run
        assertThat(planHeld.await(60, TimeUnit.SECONDS)).as("the planner called the Messages API").isTrue();
        ApiFixture.Response planning = get(server, "/api/v1/runs/" + runId, reader).problem(409, "is being planned");
        assertThat(planning.json().path("detail").asText()).contains("started by ops (token)");
        assertThat(planning.header("Retry-After")).hasValue("2");
        get(server, "/api/v1/runs/" + runId + "/events", reader).problem(409, "is being planned");
        releasePlan.countDown();

        JsonNode waiting = await(runId, run -> run.path("waitingForPerson").toString().contains(QUESTION));
        assertThat(waiting.path("request").asText()).isEqualTo("Add shipping rates for the checkout");
        JsonNode task = waiting.path("tasks").get(0);
        assertThat(task.path("id").asText()).isEqualTo("shipping-rates");
        assertThat(task.path("state").asText()).isEqualTo("blocked");

        String answer = "{\"answer\": \"DHL and UPS; their rate tables are in docs/rates.\", \"run\": \"" + runId + "\"}";
        post(server, "/api/v1/tasks/shipping-rates/answer", reader, answer).problem(403, "this needs approve");
        post(server, "/api/v1/tasks/shipping-rates/answer", approver, "{\"answer\": \"\"}").problem(400, "'answer'");
        post(server, "/api/v1/tasks/no-such-task/answer", approver, "{\"answer\": \"x\", \"run\": \"" + runId + "\"}")
                .problem(404, "no task 'no-such-task'");
        ApiFixture.Response answered = post(server, "/api/v1/tasks/shipping-rates/answer", approver, answer);
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        String file = answered.json().path("file").asText();
        assertThat(file).isEqualTo("blocked/engineer-backend/shipping-rates-conflict.md");
        assertThat(Files.readString(repo.resolve(file))).contains(QUESTION).contains("DHL and UPS")
                .contains("Answered by phone (token)");
        JsonNode detail = get(server, "/api/v1/tasks/shipping-rates?run=" + runId, reader).json();
        assertThat(detail.path("events").toString()).contains("person.answered").contains("api.answer")
                .contains("by phone (token)");
        post(server, "/api/v1/tasks/shipping-rates/answer", approver, "{\"answer\": \"x\", \"run\": \"no-run\"}")
                .problem(404, "no task 'shipping-rates' in run 'no-run'");
        assertThat(get(server, "/api/v1/runs/" + runId, reader).body() + detail).doesNotContain(KEY);
        // the answer lets the run go on in the server, with no `kleiber resume` at a terminal
        JsonNode done = await(runId, run -> state(run, "shipping-rates").equals("merged"));
        assertThat(done.path("waitingForPerson").toString()).doesNotContain(QUESTION);
        assertThat(recorded(runId)).contains("api.start by ops (token): planning the request")
                .contains("api.resume after a decision by phone (token)");
    }

    @Test
    @Order(2)
    void aRequestWhosePlanFailsAnswers410WithWhyNotAHangOrA500() throws Exception {
        ApiFixture.Response started = post(server, "/api/v1/runs", admin, "{\"request\": \"FAIL-PLAN: reorganise everything\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String runId = started.json().path("run").asText();
        ApiFixture.Response gone = awaitStatus("/api/v1/runs/" + runId, 410);
        gone.problem(410, "was never started: planning the request failed");
        assertThat(gone.body()).doesNotContain(KEY);
        get(server, "/api/v1/runs/" + runId + "/events", reader).problem(410, "never started");
        post(server, "/api/v1/runs/" + runId + "/cancel", admin, "{}").problem(410, "never started");
        assertThat(get(server, "/api/v1/runs", reader).body()).doesNotContain(runId);
        assertThat(recorded(runId)).anyMatch(e -> e.startsWith("api.not_started planning the request failed"));
        get(server, "/api/v1/runs/run-20000101-000000", reader).problem(404, "no run 'run-20000101-000000'");
    }

    @Test
    @Order(3)
    void aRequestCancelledWhilePlanningNeverStarts() throws Exception {
        ApiFixture.Response started = post(server, "/api/v1/runs", admin, "{\"request\": \"SLOW-PLAN: add a returns page\"}");
        String runId = started.json().path("run").asText();
        assertThat(slowPlanHeld.await(60, TimeUnit.SECONDS)).isTrue();
        post(server, "/api/v1/runs/" + runId + "/cancel", approver, "{}").problem(403, "this needs admin");
        ApiFixture.Response cancelled = post(server, "/api/v1/runs/" + runId + "/cancel", admin, "{}");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
        assertThat(cancelled.json().path("state").asText()).isEqualTo("cancelled");
        releaseSlowPlan.countDown();
        get(server, "/api/v1/runs/" + runId, reader).problem(410, "cancelled by ops (token) before its plan was ready");
        Thread.sleep(500);
        get(server, "/api/v1/runs/" + runId, reader).problem(410, "cancelled by ops (token)");
        assertThat(get(server, "/api/v1/runs", reader).body()).doesNotContain(runId);
    }

    @Test
    @Order(4)
    void anAdminCancelsARunningRunNoNewAttemptStartsAndTheCancelIsRecordedWithTheTokensName() throws Exception {
        String plan = """
                tasks:
                  - id: returns-note
                    title: Returns note
                    agent: engineer-frontend
                    description: Add src/frontend/returnsNote.js exporting returnsNote().
                    acceptance: [returns the note]
                    priority: p1
                  - id: returns-banner
                    title: Returns banner
                    agent: engineer-frontend
                    description: Show the returns note in a banner in src/frontend/banner.js.
                    acceptance: [shows the note]
                    depends_on: [returns-note]
                    priority: p2
                """;
        ApiFixture.Response started = post(server, "/api/v1/runs", admin, ApiFixture.JSON.createObjectNode().put("plan", plan).toString());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().path("state").asText()).isEqualTo("active");
        String runId = started.json().path("run").asText();
        assertThat(noteHeld.await(60, TimeUnit.SECONDS)).as("returns-note's agent called the Messages API").isTrue();

        post(server, "/api/v1/runs/" + runId + "/cancel", approver, "{}").problem(403, "this needs admin");
        ApiFixture.Response stopping = post(server, "/api/v1/runs/" + runId + "/cancel", admin, "{}");
        assertThat(stopping.status()).as(stopping.body()).isEqualTo(202);
        assertThat(stopping.json().path("state").asText()).isEqualTo("stopping");
        releaseNote.countDown();

        JsonNode stopped = await(runId, run -> !run.path("state").asText().equals("active"));
        assertThat(stopped.path("state").asText()).isEqualTo("waiting");
        assertThat(state(stopped, "returns-banner")).as("no attempt starts after the cancel").isIn("planned", "queued");
        assertThat(state(stopped, "returns-note")).isEqualTo("merged");
        assertThat(recorded(runId)).contains("api.start by ops (token)", "api.cancel by ops (token)");
        post(server, "/api/v1/runs/" + runId + "/cancel", admin, "{}").problem(409, "is not running in this server");
        // a task nobody asks about cannot be answered
        post(server, "/api/v1/tasks/returns-note/answer", approver, "{\"answer\": \"x\", \"run\": \"" + runId + "\"}")
                .problem(409, "asks no question about it");
    }

    private FakeReply answer(RecordedRequest request) {
        List<String> tools = request.json().path("tools").findValuesAsText("name");
        String text = request.body();
        try {
            if (tools.contains("submit_plan")) {
                if (text.contains("FAIL-PLAN")) {
                    return FakeReply.error(400, "invalid_request_error", "the test refuses this plan");
                }
                if (text.contains("SLOW-PLAN")) {
                    slowPlanHeld.countDown();
                    releaseSlowPlan.await(60, TimeUnit.SECONDS);
                    return tool("submit_plan", PLAN);
                }
                planHeld.countDown();
                releasePlan.await(60, TimeUnit.SECONDS);
                return tool("submit_plan", PLAN);
            }
            if (tools.contains("review_plan")) {
                return tool("review_plan", "{\"approved\":true,\"feedback\":\"Fine.\"}");
            }
            if (tools.contains("answer_blocked")) {
                if (text.contains("DHL and UPS")) {
                    // the person's answer is in the blocked file: the task restarts with what was learnt
                    return tool("answer_blocked", "{\"decision\":\"escalate\",\"reason\":\"A person named the carriers.\","
                            + "\"learnt\":\"The carriers are DHL and UPS.\"}");
                }
                return tool("answer_blocked", "{\"decision\":\"ask_human\",\"reason\":\"Only the business knows.\","
                        + "\"question\":\"" + QUESTION + "\"}");
            }
            JsonNode opening = request.json().path("messages").path(0).path("content");
            Matcher task = TASK_HEADING.matcher(opening.isTextual() ? opening.asText() : opening.path(0).path("text").asText());
            String id = task.find() ? task.group(1) : "";
            boolean first = request.json().path("messages").size() == 1;
            return switch (id) {
                case "shipping-rates" -> !text.contains("DHL and UPS") ? call("report_blocked", ApiFixture.JSON.createObjectNode()
                        .put("type", "unclear_requirements").put("problem", "No carrier is named anywhere.")
                        .put("need", "Name the carriers"))
                        : first ? call("write_file", ApiFixture.JSON.createObjectNode().put("path", "src/services/shipping.js")
                                .put("content", "export const CARRIERS = ['DHL', 'UPS'];\n"))
                        : call("complete_task", ApiFixture.JSON.createObjectNode().put("summary", "Rates for DHL and UPS.")
                                .set("decisions", ApiFixture.JSON.createArrayNode()));
                case "returns-note" -> {
                    if (first) {
                        noteHeld.countDown();
                        releaseNote.await(60, TimeUnit.SECONDS);
                        yield call("write_file", ApiFixture.JSON.createObjectNode().put("path", "src/frontend/returnsNote.js")
                                .put("content", "export function returnsNote() {\n  return 'Free returns';\n}\n"));
                    }
                    ObjectNode done = ApiFixture.JSON.createObjectNode().put("summary", "Added the note.");
                    done.putArray("decisions");
                    yield call("complete_task", done);
                }
                default -> FakeReply.error(400, "invalid_request_error", "the test did not expect a call for '" + id + "'");
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FakeReply.error(500, "api_error", "interrupted");
        }
    }

    private static FakeReply tool(String name, String inputJson) {
        return FakeReply.answer(FakeReply.toolUse("toolu_" + name + "_" + Math.abs(inputJson.hashCode()), name, inputJson))
                .withUsage(USAGE);
    }

    private static FakeReply call(String name, ObjectNode input) {
        return tool(name, input.toString());
    }

    private static final String PLAN = """
            {"tasks":[
             {"id":"shipping-rates","title":"Shipping rates","agent":"engineer-backend",
              "description":"Add shipping rates from the carriers' rate tables in src/services/shipping.js.",
              "acceptance":["rates for every destination"],"depends_on":[],"priority":"p1"}
            ]}""";

    private JsonNode await(String runId, Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            ApiFixture.Response run = get(server, "/api/v1/runs/" + runId, reader);
            if (run.status() == 200) {
                last = run.json();
                if (until.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + runId + " did not get there in " + WAIT + "; last: " + last);
    }

    private ApiFixture.Response awaitStatus(String path, int status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ApiFixture.Response last = get(server, path, reader);
        while (last.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = get(server, path, reader);
        }
        return last;
    }

    /** The run's events as the store records them: "kind detail". */
    private List<String> recorded(String runId) {
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            return store.events().ofRun(runId).stream().map(e -> e.kind() + " " + e.detail()).toList();
        }
    }

    private static String state(JsonNode run, String task) {
        for (JsonNode t : run.path("tasks")) {
            if (t.path("id").asText().equals(task)) {
                return t.path("state").asText();
            }
        }
        return "";
    }

    private String token(String name, String scope) throws Exception {
        Cli.Result created = cli.run("token", "create", "--name", name, "--scope", scope, "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        return ApiFixture.JSON.readTree(created.out()).path("secret").asText();
    }
}
