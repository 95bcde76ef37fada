package dev.kleiber.ledger;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Tells a webhook ({@code budget.webhook} in kleiber.yaml) of a budget pause with a JSON POST. */
public final class BudgetWebhook implements BudgetAlert {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final HttpClient http;
    private final ObjectMapper json = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    public BudgetWebhook(URI url, HttpClient http) {
        this.url = url;
        this.http = http;
    }

    public static BudgetWebhook to(URI url) {
        return new BudgetWebhook(url, HttpClient.newBuilder().connectTimeout(TIMEOUT).build());
    }

    @Override
    public void paused(BudgetPause pause) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "kleiber")
                .POST(HttpRequest.BodyPublishers.ofString(body(pause))).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw KleiberException.failed("budget webhook " + redacted() + " answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw KleiberException.failed("budget webhook " + redacted() + " could not be called: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KleiberException.failed("budget webhook " + redacted() + " was interrupted", e);
        }
    }

    String body(BudgetPause pause) {
        ObjectNode node = json.createObjectNode();
        node.put("event", "budget.paused");
        node.put("limit", pause.limitName());
        node.put("scope", pause.scope());
        node.put("day", pause.day().toString());
        node.put("since", pause.since().toString());
        node.put("limitUsd", pause.limitUsd());
        node.put("spentUsd", pause.spentUsd());
        node.put("reservedUsd", pause.reservedUsd());
        node.put("requestedUsd", pause.requestedUsd());
        node.put("runId", pause.runId());
        node.put("taskId", pause.taskId());
        node.put("blockedFile", BlockedBudgetFile.relativePath(pause).toString());
        node.put("message", BlockedBudgetFile.render(pause).lines().filter(l -> l.contains("would be passed"))
                .findFirst().orElse(""));
        node.put("continueWith", "'" + pause.continueCommands() + "'");
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree of texts and numbers always serialises", e);
        }
    }

    /** The URL without user info or query, which may carry a token. */
    private String redacted() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath();
    }
}
