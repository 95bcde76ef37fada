package dev.kleiber.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.kleiber.KleiberException;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.config.ServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook and the ntfy topic, received by a real HTTP server on loopback. */
class NotifierTest {
    record Received(String path, Map<String, String> headers, String body) {
    }

    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private HttpServer receiver;
    private String base;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
            received.add(new Received(exchange.getRequestURI().getPath(), headers, body));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void aTaskAwaitingReviewReachesTheSignedWebhookAndTheTopicWithALinkAndNoSecret() throws Exception {
        RunListener notifier = Notifier.of(settings(new ServerSettings.Notify(Optional.of(base + "/hook"),
                Optional.of("HOOK_SECRET"), Optional.of(base + "/kleiber-topic"))), Map.of("HOOK_SECRET", "s3cret-value",
                "ANTHROPIC_API_KEY", "sk-ant-never"), Clock.systemUTC());

        notifier.on(new RunEvent.AwaitingReview("run-1", "refund-cap", "a".repeat(40)));
        notifier.on(new RunEvent.TaskStarted("run-1", "other", "engineer-backend", dev.kleiber.routing.Tier.OPUS, 1));

        Received first = received.poll(10, TimeUnit.SECONDS);
        Received second = received.poll(10, TimeUnit.SECONDS);
        assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("only the event that waits for a person is told").isNull();
        Received hook = first.path().equals("/hook") ? first : second;
        Received topic = first.path().equals("/hook") ? second : first;

        String expected = "sha256=" + hmac("s3cret-value", hook.body());
        assertThat(hook.headers().get("x-kleiber-signature")).isEqualTo(expected);
        JsonNode json = ApiFixture.JSON.readTree(hook.body());
        assertThat(json.path("event").asText()).isEqualTo("awaiting_review");
        assertThat(json.path("task").asText()).isEqualTo("refund-cap");
        assertThat(json.path("link").asText()).isEqualTo("http://kleiber.example.com/runs/run-1/tasks/refund-cap");
        assertThat(hook.body() + topic.body() + topic.headers()).doesNotContain("s3cret-value").doesNotContain("sk-ant");

        assertThat(topic.path()).isEqualTo("/kleiber-topic");
        assertThat(topic.headers().get("title")).isEqualTo("refund-cap awaits your review");
        assertThat(topic.headers().get("click")).isEqualTo("http://kleiber.example.com/runs/run-1/tasks/refund-cap");
        assertThat(topic.body()).contains("waits for a person to approve or reject it");
    }

    @Test
    void aQuestionAndABudgetPauseAreToldAndAMissingSecretIsBadInput() throws Exception {
        RunListener topicOnly = Notifier.of(settings(new ServerSettings.Notify(Optional.empty(), Optional.empty(),
                Optional.of(base + "/t"))), Map.of(), Clock.systemUTC());
        topicOnly.on(new RunEvent.AskedPerson("run-2", "ship-policy", "Which countries do we ship to?"));
        assertThat(received.poll(10, TimeUnit.SECONDS).body()).isEqualTo("Which countries do we ship to?");
        topicOnly.on(new RunEvent.BudgetPaused("run-2", "card-fee", RunEvent.PausedAt.AGENT, "today's limit of $5.00 reached"));
        Received paused = received.poll(10, TimeUnit.SECONDS);
        assertThat(paused.headers().get("title")).isEqualTo("Run run-2 paused for budget");
        assertThat(paused.headers().get("tags")).isEqualTo("budget_paused");
        assertThat(paused.headers().get("click")).isEqualTo("http://kleiber.example.com/budget");

        assertThat(Notifier.of(ServerSettings.DEFAULTS, Map.of(), Clock.systemUTC())).isSameAs(RunListener.NONE);
        assertThatThrownBy(() -> Notifier.of(settings(new ServerSettings.Notify(Optional.of(base + "/hook"),
                Optional.of("HOOK_SECRET"), Optional.empty())), Map.of(), Clock.systemUTC()))
                .isInstanceOf(KleiberException.class).hasMessageContaining("$HOOK_SECRET, which is not set");
    }

    @Test
    void linksAreTheDashboardsOwnRoutes() throws Exception {
        // the dashboard's router builds a task's path with this template literal; a link must be what it builds
        String router = java.nio.file.Files.readString(java.nio.file.Path.of("web/src/lib/router.tsx"));
        java.util.regex.Matcher task = java.util.regex.Pattern.compile(
                "export function taskPath\\(run: string, task: string\\): string \\{\\s*return `([^`]+)`;").matcher(router);
        assertThat(task.find()).as("taskPath in web/src/lib/router.tsx").isTrue();
        java.util.regex.Matcher run = java.util.regex.Pattern.compile(
                "export function runPath\\(run: string\\): string \\{\\s*return `([^`]+)`;").matcher(router);
        assertThat(run.find()).as("runPath in web/src/lib/router.tsx").isTrue();
        assertThat(router).contains("parts[0] === 'budget'");

        String runId = "run-20261207-101500";
        String taskId = "refund-cap";
        String expectedTask = task.group(1).replace("${encodeURIComponent(run)}", runId)
                .replace("${encodeURIComponent(task)}", taskId);
        String expectedRun = run.group(1).replace("${encodeURIComponent(run)}", runId);
        String base = "https://kleiber.example.com";
        assertThat(Notifier.link(base, new Notifier.Message("awaiting_review", runId, taskId, "t", "x")))
                .isEqualTo(base + expectedTask).isEqualTo(base + "/runs/run-20261207-101500/tasks/refund-cap");
        assertThat(Notifier.link(base, new Notifier.Message("question", runId, taskId, "t", "x"))).isEqualTo(base + expectedTask);
        assertThat(Notifier.link(base, new Notifier.Message("question", runId, "", "t", "x"))).isEqualTo(base + expectedRun);
        assertThat(Notifier.link(base, new Notifier.Message("budget_paused", runId, taskId, "t", "x"))).isEqualTo(base + "/budget");
    }

    private static ServerSettings settings(ServerSettings.Notify notify) {
        ServerSettings d = ServerSettings.DEFAULTS;
        return new ServerSettings(d.bind(), d.port(), Optional.of("http://kleiber.example.com"), d.readsPerMinute(),
                d.writesPerMinute(), d.lockoutFailures(), d.lockout(), d.corsOrigins(), d.metricsAuth(), d.sessionTtl(), notify);
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
