package dev.kleiber.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.config.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Tells a person when work waits for them — a task awaits review, the conductor asks a question, the budget pauses
 * the run — through a webhook (a JSON POST signed with HMAC-SHA256 in {@code X-Kleiber-Signature: sha256=HEX} over
 * the exact body) and an ntfy-style topic (a plain-text POST with a Click link). Attached to every conductor of the
 * process that runs the work, so each event is told once whichever server or terminal started the run. Sending never
 * holds up the run: each message goes on a virtual thread, at most {@value #MAX_IN_FLIGHT} at a time (more are
 * dropped and logged), with a ten-second timeout. A message carries the run, the task, what happened and a link to the
 * task in the dashboard; never a secret.
 */
public final class Notifier implements RunListener {
    static final String SIGNATURE_HEADER = "X-Kleiber-Signature";
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_IN_FLIGHT = 16;

    private final ServerSettings.Notify notify;
    private final Optional<byte[]> secret;
    private final String baseUrl;
    private final Clock clock;
    private final HttpClient http;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    private Notifier(ServerSettings.Notify notify, Optional<byte[]> secret, String baseUrl, Clock clock, HttpClient http) {
        this.notify = notify;
        this.secret = secret;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.http = http;
    }

    /**
     * The notifier kleiber.yaml's {@code server.notify} asks for, or {@link RunListener#NONE} when it names no one.
     * The webhook's secret is read from the environment variable it names; exit 2 when that is unset.
     */
    public static RunListener of(ServerSettings settings, Map<String, String> env, Clock clock) {
        ServerSettings.Notify notify = settings.notifications();
        if (notify.webhook().isEmpty() && notify.ntfy().isEmpty()) {
            return RunListener.NONE;
        }
        Optional<byte[]> secret = notify.webhookSecretEnv().map(name -> Optional.ofNullable(env.get(name))
                .filter(value -> !value.isBlank()).orElseThrow(() -> KleiberException.badInput("server.notify.webhook_secret_env "
                        + "names $" + name + ", which is not set: set it to the secret the webhook's requests are signed with"))
                .getBytes(StandardCharsets.UTF_8));
        return new Notifier(notify, secret, settings.baseUrl(), clock,
                HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /** What a person is told, for the events that wait for one. */
    record Message(String event, String runId, String taskId, String title, String text) {
    }

    static Optional<Message> message(RunEvent event) {
        return switch (event) {
            case RunEvent.AwaitingReview e -> Optional.of(new Message("awaiting_review", e.runId(), e.taskId(),
                    e.taskId() + " awaits your review", "Task " + e.taskId() + " of run " + e.runId()
                    + " passed validation and waits for a person to approve or reject it."));
            case RunEvent.AskedPerson e -> Optional.of(new Message("question", e.runId(), e.taskId(),
                    "The conductor asks about " + e.taskId(), e.question()));
            case RunEvent.BudgetPaused e -> Optional.of(new Message("budget_paused", e.runId(), e.taskId(),
                    "Run " + e.runId() + " paused for budget", e.reason()));
            default -> Optional.empty();
        };
    }

    @Override
    public void on(RunEvent event) {
        message(event).ifPresent(message -> {
            if (!inFlight.tryAcquire()) {
                LOG.warn("notification for {} {} dropped: {} are being sent", message.event(), message.taskId(), MAX_IN_FLIGHT);
                return;
            }
            Thread.ofVirtual().name("kleiber-notify").start(() -> {
                try {
                    send(message);
                } finally {
                    inFlight.release();
                }
            });
        });
    }

    /** Sends {@code message} to the webhook and the ntfy topic; a receiver that fails is logged, never thrown. */
    void send(Message message) {
        String link = link(baseUrl, message);
        notify.webhook().ifPresent(url -> {
            ObjectNode body = ApiServer.JSON.createObjectNode();
            body.put("event", message.event()).put("run", message.runId()).put("task", message.taskId())
                    .put("title", message.title()).put("text", message.text()).put("link", link)
                    .put("sentAt", clock.instant().toString());
            String json;
            try {
                json = ApiServer.JSON.writeValueAsString(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree always serialises", e);
            }
            post(url, HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .header(SIGNATURE_HEADER, "sha256=" + sign(json)).POST(HttpRequest.BodyPublishers.ofString(json)));
        });
        notify.ntfy().ifPresent(url -> post(url, HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "text/plain; charset=utf-8").header("Title", ascii(message.title()))
                .header("Click", link).header("Tags", message.event())
                .POST(HttpRequest.BodyPublishers.ofString(message.text()))));
    }

    private void post(String url, HttpRequest.Builder request) {
        try {
            HttpResponse<Void> response = http.send(request.timeout(TIMEOUT).header("User-Agent", "kleiber").build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                LOG.warn("notification to {} answered HTTP {}", redacted(url), response.statusCode());
            }
        } catch (java.io.IOException e) {
            LOG.warn("notification to {} failed: {}", redacted(url), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HMAC-SHA256 of {@code body} with the webhook secret, as lower-case hex. */
    String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.orElseThrow(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /**
     * The dashboard page where the person acts, in the dashboard's own routes (web/src/lib/router.tsx): the task's page
     * ({@code /runs/RUN/tasks/TASK}) for a review or a question, the budget page for a pause, the run's page when
     * no task is named.
     */
    static String link(String baseUrl, Message message) {
        if (message.event().equals("budget_paused")) {
            return baseUrl + "/budget";
        }
        String run = baseUrl + "/runs/" + segment(message.runId());
        return message.taskId().isEmpty() ? run : run + "/tasks/" + segment(message.taskId());
    }

    /** One path segment, escaped as the dashboard's encodeURIComponent escapes it. */
    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A header value must be plain ASCII on one line. */
    private static String ascii(String text) {
        return text.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** A URL without its query, where tokens of hosted receivers live. */
    private static String redacted(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?...";
    }
}
