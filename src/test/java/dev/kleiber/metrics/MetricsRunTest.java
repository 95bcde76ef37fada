package dev.kleiber.metrics;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.cli.ServerProcess;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.testutil.FakeApiRun;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static dev.kleiber.testutil.FakeApiRun.blocked;
import static dev.kleiber.testutil.FakeApiRun.complete;
import static dev.kleiber.testutil.FakeApiRun.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code kleiber run --metrics-port} driven by the fake Messages API over HTTP: the run's endpoint is scraped in the
 * middle of the run and {@code kleiber metrics} after it, and both must agree with {@code kleiber cost} (the ledger)
 * and {@code kleiber status} (the store). Meanwhile a real Prometheus scrapes both endpoints, and every expression of
 * the shipped Grafana dashboard and alert rules is evaluated against it.
 */
class MetricsRunTest {
    /** The meters read from the store at each scrape: the same in every process of one store. */
    private static final List<String> STORE_FIGURES = List.of(".*kleiber_tasks[^_].*", ".*kleiber_budget_(limit|spent|reserved|paused)\\b.*",
            ".*kleiber_llm_.*", ".*kleiber_queue_depth.*", ".*kleiber_workers_.*", ".*kleiber_main_validation.*",
            ".*kleiber_processes_live.*");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FakeUsage USAGE = new FakeUsage(2000, 300, 120, 0, 800);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;

    static Path repo;
    static Cli cli;
    static Cli.Result run;
    static int requests;
    static String midRunText;
    static JsonNode midRunStatus;
    static JsonNode midRunCost;
    static FakeApiRun fake;
    static Thread served;
    static ServerProcess serve;
    static int servedPort;
    static TestPrometheus prometheus;
    static final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    static long runStartedSeconds;

    @BeforeAll
    static void runWithMetrics() throws Exception {
        repo = SampleShop.copyTo(tmp.resolve("shop"));
        Cli plain = new Cli(repo);
        assertThat(plain.run("init").exitCode()).isZero();
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]")
                .replace("format: text", "format: json"));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");

        int runPort = freePort();
        servedPort = freePort();
        // `kleiber metrics --port`: the store's figures from a second endpoint, as a server or worker would serve them
        Cli metricsCli = new Cli(repo);
        served = new Thread(() -> metricsCli.run("metrics", "--port", String.valueOf(servedPort)), "kleiber-metrics-test");
        served.setDaemon(true);
        served.start();
        // `kleiber serve`: the server mounts /metrics and meters its own requests
        serve = ServerProcess.start(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()),
                Optional.of("127.0.0.1"), Optional.of(0), Optional.empty(), new PrintWriter(new StringWriter(), true));
        if (Tools.which("prometheus").isPresent()) {
            prometheus = TestPrometheus.start(tmp.resolve("prometheus"), List.of(
                    new TestPrometheus.Target("kleiber-run", "127.0.0.1:" + runPort),
                    new TestPrometheus.Target("kleiber-metrics", "127.0.0.1:" + servedPort),
                    new TestPrometheus.Target("kleiber", "127.0.0.1:" + serve.port())));
        }
        runStartedSeconds = System.currentTimeMillis() / 1000;

        fake = agentTurns(new FakeApiRun(PLAN, USAGE));
        AtomicReference<Cli> inRun = new AtomicReference<>();
        try (FakeMessagesApi api = FakeMessagesApi.start("sk-ant-metrics-key")) {
            api.respondWith(request -> {
                // the middle of the run: one worker waits on this very call, so the store holds still while we look
                if (midRunText == null && isFirstTurnOf(request, "price-label")) {
                    midRunText = get("http://127.0.0.1:" + runPort + "/metrics");
                    midRunStatus = json(inRun.get().run("status", "--json"));
                    midRunCost = json(inRun.get().run("cost", "--json"));
                }
                return fake.answer(request);
            });
            cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH"),
                    "ANTHROPIC_API_KEY", "sk-ant-metrics-key", "ANTHROPIC_BASE_URL", api.baseUrl().toString()), Clock.systemUTC()));
            inRun.set(cli);
            PrintStream originalErr = System.err;
            System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
            try {
                run = cli.run("run", "Add a slug utility, a price label and shipping rates", "--workers", "1",
                        "--metrics-port", String.valueOf(runPort));
            } finally {
                System.setErr(originalErr);
                LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
                context.reset();
                new ContextInitializer(context).autoConfig();
            }
            requests = api.requests().size();
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (serve != null) {
            serve.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (served != null) {
            served.interrupt();
            served.join(10_000);
        }
    }

    @Test
    void theRunsEndpointInTheMiddleOfTheRunAgreesWithStatusAndTheLedger() {
        assertThat(fake.unexpected()).isEmpty();
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("metrics at http://127.0.0.1:");
        assertThat(midRunText).as("scraped while price-label's first call waited").isNotNull();
        PrometheusText mid = PrometheusText.parse(midRunText);

        assertThat(tasksByState(mid)).isEqualTo(tasksByState(midRunStatus));
        assertThat(tasksByState(mid)).containsEntry("running", 1L);
        assertLedgerEquals(mid, midRunCost);
        assertThat(mid.sum("kleiber_budget_spent_usd")).isCloseTo(midRunStatus.path("budget").path("spentUsd").asDouble(),
                within(1e-9));
        assertThat(mid.sum("kleiber_budget_reserved_usd")).as("the call in flight is reserved").isPositive();
        assertThat(mid.sum("kleiber_worker_slots")).isEqualTo(1.0);
        assertThat(mid.sum("kleiber_processes_live")).isGreaterThanOrEqualTo(1.0);
        // what the run did before this call: slug-util failed its tests once, then passed and merged
        assertThat(mid.sum("kleiber_validation_checks_total", Map.of("check", "test", "result", "fail"))).isEqualTo(1.0);
        assertThat(mid.sum("kleiber_validation_checks_total", Map.of("check", "test", "result", "pass"))).isEqualTo(1.0);
        assertThat(mid.sum("kleiber_task_retries_total", Map.of("cause", "validation_failed"))).isEqualTo(1.0);
        assertThat(mid.sum("kleiber_merges_total")).isEqualTo(1.0);
        assertThat(mid.sum("kleiber_task_attempts_total", Map.of("agent", "engineer-backend", "tier", "sonnet")))
                .isEqualTo(2.0);
        assertThat(mid.sum("kleiber_routing_decisions_total", Map.of("rule", "role.default"))).isPositive();
        assertThat(mid.sum("kleiber_task_duration_seconds_count", Map.of("outcome", "merged"))).isEqualTo(1.0);
        assertThat(mid.sum("kleiber_task_queue_wait_seconds_count")).isGreaterThanOrEqualTo(2.0);
        assertThat(mid.has("jvm_memory_used_bytes")).isTrue();
        assertThat(mid.has("process_cpu_usage")).isTrue();
    }

    @Test
    void afterTheRunAnotherProcessReportsWhatCostAndStatusSay() {
        Cli.Result printed = cli.run("metrics");
        assertThat(printed.exitCode()).as(printed.err()).isZero();
        PrometheusText after = PrometheusText.parse(printed.out());
        JsonNode status = json(cli.run("status", "--json"));
        JsonNode cost = json(cli.run("cost", "--json"));

        assertThat(tasksByState(after)).isEqualTo(tasksByState(status))
                .containsEntry("merged", 2L).containsEntry("blocked", 1L);
        assertLedgerEquals(after, cost);
        assertThat(after.sum("kleiber_llm_calls_total")).isEqualTo(requests);
        assertThat(after.sum("kleiber_llm_tokens_total", Map.of("type", "input"))).isEqualTo(USAGE.input() * requests);
        assertThat(after.sum("kleiber_llm_tokens_total", Map.of("type", "cache_read"))).isEqualTo(USAGE.cacheRead() * requests);
        assertThat(after.sum("kleiber_llm_tokens_total", Map.of("type", "cache_write"))).isEqualTo(USAGE.cacheWrite() * requests);
        JsonNode budget = status.path("budget");
        assertThat(after.sum("kleiber_budget_limit_usd")).isEqualTo(budget.path("limitUsd").asDouble());
        assertThat(after.sum("kleiber_budget_spent_usd")).isCloseTo(budget.path("spentUsd").asDouble(), within(1e-9));
        assertThat(after.sum("kleiber_budget_remaining_usd")).isCloseTo(budget.path("remainingUsd").asDouble(), within(1e-9));
        assertThat(after.sum("kleiber_budget_reserved_usd")).isZero();
        assertThat(after.sum("kleiber_budget_paused")).isZero();
        assertThat(after.sum("kleiber_llm_all_opus_cost_usd_total")).isCloseTo(cost.path("allOpusUsd").asDouble(), within(1e-9));
        assertThat(after.sum("kleiber_queue_depth")).isZero();
        // labels are closed sets: no task id, no run id, no model-written text
        assertThat(after.samples()).allSatisfy(s -> assertThat(s.labels().values())
                .doesNotContain("slug-util", "price-label", "shipping-rates").noneMatch(v -> v.startsWith("run-")));
    }

    @Test
    void withLoggingFormatJsonEveryEventIsAJsonLineAndTheApiKeyIsNeverLogged() throws IOException {
        String text = logged.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("sk-ant-metrics-key");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).allSatisfy(line -> assertThat(line.fieldNames()).toIterable()
                .contains("at", "level", "run", "task", "agent", "event", "message"));
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.path("event").asText()).isEqualTo("TaskBlocked");
            assertThat(line.path("task").asText()).isEqualTo("shipping-rates");
            assertThat(line.path("agent").asText()).isEqualTo("engineer-backend");
            assertThat(line.path("message").asText()).contains("[redacted]");
        });
        assertThat(lines.stream().map(l -> l.path("event").asText()))
                .contains("TaskPlanned", "TaskStarted", "Retried", "Merged", "RunFinished");
    }

    @Test
    void theTextPassesPromtool() throws Exception {
        Tools.require("promtool");
        Cli.Result printed = cli.run("metrics");
        assertThat(PrometheusText.promtool(printed.out())).contains("");
        assertThat(PrometheusText.promtool(midRunText)).contains("");
        Process rules = new ProcessBuilder(Tools.require("promtool"), "check", "rules",
                "deploy/prometheus/kleiber-alerts.yml").redirectErrorStream(true).start();
        String said = new String(rules.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rules.waitFor()).as(said).isZero();
        assertThat(said).contains("SUCCESS: 6 rules found");
    }

    @Test
    void prometheusScrapesKleiberAndEveryDashboardAndAlertExpressionEvaluates() throws Exception {
        Tools.require("prometheus");
        assertThat(prometheus).as("prometheus started").isNotNull();
        // some API traffic for the server's meters: an unauthenticated read (401), health, a missing route
        for (String path : List.of("/healthz", "/api/v1/runs", "/api/v1/nothing-here")) {
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port() + path)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        // the server's and `kleiber metrics --port`'s figures after the run, seen by Prometheus
        prometheus.awaitValue("max(kleiber_tasks{job=\"kleiber\",state=\"merged\"})", 2.0, Duration.ofSeconds(30));
        prometheus.awaitValue("max(kleiber_tasks{job=\"kleiber-metrics\",state=\"merged\"})", 2.0, Duration.ofSeconds(30));
        prometheus.awaitValue("sum(kleiber_api_requests_total{job=\"kleiber\",route=\"/api/v1/runs\",status=\"401\"})",
                1.0, Duration.ofSeconds(30));
        List<DeployedQueries.Query> queries = DeployedQueries.all(Path.of("deploy"));
        assertThat(queries).hasSizeGreaterThan(15);
        long end = System.currentTimeMillis() / 1000 + 1;
        List<String> empty = new ArrayList<>();
        for (DeployedQueries.Query query : queries) {
            TestPrometheus.Result instant = prometheus.query(query.expr());
            assertThat(instant.error()).as(query.where() + ": " + query.expr()).isEmpty();
            TestPrometheus.Result range = prometheus.queryRange(query.expr(), runStartedSeconds, end, 1);
            assertThat(range.error()).as(query.where() + ": " + query.expr()).isEmpty();
            if (range.series() == 0 && !query.alert()) {
                empty.add(query.where() + " " + query.expr());
            }
        }
        // Every panel over the store's figures shows this run. A per-process meter is seen only while its process is
        // scraped, and a short run on an idle machine can end between two scrapes: for those, the expression is what
        // is checked above (the figures themselves are compared with the ledger and status in the other tests).
        List<String> storeFiguresWithoutData = empty.stream()
                .filter(where -> STORE_FIGURES.stream().anyMatch(where::matches)).toList();
        assertThat(storeFiguresWithoutData).as("store-backed panels without data").isEmpty();
        // `-Dkleiber.dashboard.png=docs/metrics-dashboard.png` draws the README's picture from these answers
        String picture = System.getProperty("kleiber.dashboard.png", "");
        if (!picture.isEmpty()) {
            DashboardPicture.draw(prometheus, Path.of("deploy/grafana/kleiber.json"), runStartedSeconds, end, Path.of(picture));
        }
        // the alerts: nothing fires after this run (budget small, main not checked, no queue)
        assertThat(prometheus.query("ALERTS{alertstate=\"firing\"}").series()).isZero();
    }

    private static void assertLedgerEquals(PrometheusText text, JsonNode cost) {
        assertThat(text.sum("kleiber_llm_calls_total")).isEqualTo(cost.path("calls").asDouble());
        assertThat(text.sum("kleiber_llm_cost_usd_total")).isCloseTo(cost.path("totalUsd").asDouble(), within(1e-9));
        for (JsonNode model : cost.path("byModel")) {
            Map<String, String> m = Map.of("model", model.path("model").asText());
            assertThat(text.sum("kleiber_llm_cost_usd_total", m)).as(model.toString())
                    .isCloseTo(model.path("costUsd").asDouble(), within(1e-9));
            assertThat(text.sum("kleiber_llm_tokens_total", Map.of("model", model.path("model").asText(), "type", "output")))
                    .isEqualTo(model.path("outputTokens").asDouble());
        }
        for (JsonNode agent : cost.path("byAgent")) {
            assertThat(text.sum("kleiber_llm_calls_total", Map.of("agent", agent.path("agent").asText())))
                    .as(agent.toString()).isEqualTo(agent.path("calls").asDouble());
        }
    }

    private static Map<String, Long> tasksByState(PrometheusText text) {
        Map<String, Long> out = new HashMap<>();
        text.samples().stream().filter(s -> s.name().equals("kleiber_tasks") && s.value() > 0)
                .forEach(s -> out.put(s.labels().get("state"), (long) s.value()));
        return out;
    }

    private static Map<String, Long> tasksByState(JsonNode status) {
        Map<String, Long> out = new HashMap<>();
        status.path("tasks").forEach(t -> out.merge(t.path("state").asText(), 1L, Long::sum));
        return out;
    }

    private static JsonNode json(Cli.Result result) {
        try {
            return JSON.readTree(result.out());
        } catch (IOException e) {
            throw new AssertionError(result.out() + result.err(), e);
        }
    }

    static String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(KleiberMetrics.CONTENT_TYPE);
            return response.body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean isFirstTurnOf(RecordedRequest request, String task) {
        JsonNode messages = request.json().path("messages");
        return messages.size() == 1 && task.equals(FakeApiRun.taskOf(request));
    }

    private static final String PLAN = """
            {"tasks":[
             {"id":"slug-util","title":"Slugify utility","agent":"engineer-backend","model":"sonnet",
              "description":"Add a slugify utility function for book titles in src/services/slugify.js.",
              "acceptance":["slugify lower-cases and joins words with hyphens"],
              "depends_on":[],"priority":"p0","files":["src/services/slugify.js"]},
             {"id":"price-label","title":"Price label","agent":"engineer-frontend",
              "description":"Add a price label formatter for the shop page in src/frontend/priceLabel.js.",
              "acceptance":["formats cents as a dollar label"],"depends_on":["slug-util"],"priority":"p1"},
             {"id":"shipping-rates","title":"Shipping rates","agent":"engineer-backend",
              "description":"Add shipping rates from the carrier's rate table.",
              "acceptance":["rates for every destination"],"depends_on":["price-label"],"priority":"p2"}
            ]}""";

    private static FakeApiRun agentTurns(FakeApiRun fake) {
        fake.turns("slug-util", fake.slugifyFixedOnRetry());
        // the frontend agent also tries the backend's server: the sandbox refuses it
        fake.turns("price-label",
                fake.say("I will add src/frontend/priceLabel.js.",
                        write("src/backend/server.js", "// moved\n"),
                        write("src/frontend/priceLabel.js", "export function formatPriceLabel(cents) {\n  return 'Price: $' + (cents / 100).toFixed(2);\n}\n")),
                fake.say("", complete("Added the price label.")));
        return fake.turns("shipping-rates", fake.say("", blocked(
                "Which carrier's rate table? None is in the repository; I tried sk-ant-metrics-key.")));
    }
}
