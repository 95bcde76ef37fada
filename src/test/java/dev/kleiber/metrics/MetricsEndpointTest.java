package dev.kleiber.metrics;

import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDK-server endpoint and the server's API meters, on a fresh store with nothing in it. */
class MetricsEndpointTest {
    @TempDir
    Path tmp;

    private Store store;
    private KleiberMetrics metrics;
    private MetricsEndpoint endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC());
        PriceTable prices = PriceTable.shipped();
        Ledger ledger = new Ledger(store, prices, TierModels.DEFAULTS, BudgetLimits.DEFAULTS, Clock.systemUTC());
        metrics = new KleiberMetrics(store, ledger, prices.priceOf(TierModels.DEFAULTS.modelFor(Tier.OPUS)), Clock.systemUTC());
        endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), metrics);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        metrics.close();
        store.close();
    }

    @Test
    void servesOnlyGetMetrics() throws Exception {
        HttpResponse<String> ok = send("GET", "/metrics");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue(KleiberMetrics.CONTENT_TYPE);
        PrometheusText text = PrometheusText.parse(ok.body());
        assertThat(text.sum("kleiber_budget_limit_usd")).isEqualTo(50.0);
        assertThat(text.sum("kleiber_tasks")).isZero();
        assertThat(text.sum("kleiber_main_validation_status")).as("main never checked").isZero();
        assertThat(send("POST", "/metrics").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        assertThat(send("HEAD", "/metrics").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/healthz").statusCode()).as("a worker's liveness probe").isEqualTo(200);
    }

    @Test
    void apiMetersCountByRouteTemplateAndCapTheRoutes() throws Exception {
        ApiMeters api = metrics.api();
        api.request("get", "/api/v1/runs/{run}", 200, Duration.ofMillis(12));
        api.request("GET", "/api/v1/runs/{run}", 404, Duration.ofMillis(3));
        api.rateLimited("/api/v1/session");
        api.request("POST", "/api/v1/session", 429, Duration.ofMillis(1));
        api.streamOpened();
        api.streamOpened();
        api.streamClosed();
        for (int i = 0; i < ApiMeters.MAX_ROUTES + 10; i++) {
            api.request("GET", "/scanner/" + i, 404, Duration.ofMillis(1));
        }
        PrometheusText text = PrometheusText.parse(send("GET", "/metrics").body());
        assertThat(text.sum("kleiber_api_requests_total", Map.of("route", "/api/v1/runs/{run}", "method", "GET"))).isEqualTo(2.0);
        assertThat(text.sum("kleiber_api_requests_total", Map.of("status", "429"))).isEqualTo(1.0);
        assertThat(text.sum("kleiber_api_rate_limited_total")).isEqualTo(1.0);
        assertThat(text.sum("kleiber_api_sse_clients")).isEqualTo(1.0);
        assertThat(text.sum("kleiber_api_request_duration_seconds_count")).isEqualTo(ApiMeters.MAX_ROUTES + 13.0);
        long routes = text.samples().stream().filter(s -> s.name().equals("kleiber_api_requests_total"))
                .map(s -> s.labels().get("route")).distinct().count();
        assertThat(routes).as("at most MAX_ROUTES named routes, then 'other'").isEqualTo(ApiMeters.MAX_ROUTES + 1);
        assertThat(text.sum("kleiber_api_requests_total", Map.of("route", "other"))).isEqualTo(12.0);
    }

    @Test
    void refusalReasonsFallIntoClosedClasses() {
        assertThat(RefusalReason.of("role engineer-frontend may not write 'src/backend/server.js'; it may write src/frontend/**"))
                .isEqualTo("outside_role_scope");
        assertThat(RefusalReason.of("'../../etc/passwd' leads outside the worktree")).isEqualTo("path_escape");
        assertThat(RefusalReason.of("'.git/config' is inside .git, which agents cannot touch")).isEqualTo("protected_path");
        assertThat(RefusalReason.of("role architect may run only commands matching npm test")).isEqualTo("command_not_allowed");
        assertThat(RefusalReason.of("there is no tool 'rm_rf'; the tools are read_file")).isEqualTo("unknown_tool");
        assertThat(RefusalReason.of("something new")).isEqualTo("other");
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
