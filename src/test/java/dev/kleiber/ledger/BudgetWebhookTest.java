package dev.kleiber.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kleiber.KleiberException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook against a real HTTP server on loopback. */
class BudgetWebhookTest {
    final BlockingQueue<String[]> received = new ArrayBlockingQueue<>(4);
    final AtomicInteger status = new AtomicInteger(204);
    HttpServer server;

    static final BudgetPause PAUSE = new BudgetPause("day:2025-01-09", "daily", LocalDate.parse("2025-01-09"),
            Instant.parse("2025-01-09T14:30:00Z"), new BigDecimal("50"), new BigDecimal("49.8"), new BigDecimal("0.1"),
            new BigDecimal("0.27"), "r1", "feat-001");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            received.add(new String[] {exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=s3cret");
    }

    @Test
    void postsThePauseAsJson() throws Exception {
        BudgetWebhook.to(url()).paused(PAUSE);

        String[] request = received.poll(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request[0]).isEqualTo("POST");
        assertThat(request[1]).isEqualTo("application/json");
        JsonNode body = new ObjectMapper().readTree(request[2]);
        assertThat(body.get("event").asText()).isEqualTo("budget.paused");
        assertThat(body.get("limit").asText()).isEqualTo("daily");
        assertThat(body.get("limitUsd").decimalValue()).isEqualByComparingTo("50");
        assertThat(body.get("spentUsd").decimalValue()).isEqualByComparingTo("49.8");
        assertThat(body.get("requestedUsd").decimalValue()).isEqualByComparingTo("0.27");
        assertThat(body.get("blockedFile").asText()).isEqualTo("blocked/conductor/budget-2025-01-09-conflict.md");
        assertThat(body.get("continueWith").asText()).contains("kleiber budget raise --to USD");
        assertThat(request[2]).doesNotContain("E+");
    }

    @Test
    void aFailingWebhookIsAnErrorThatKeepsItsTokenOutOfTheMessage() {
        status.set(500);
        assertThatThrownBy(() -> BudgetWebhook.to(url()).paused(PAUSE))
                .isInstanceOf(KleiberException.class)
                .hasMessageContaining("answered HTTP 500")
                .hasMessageNotContaining("s3cret");
    }
}
