package dev.kleiber.server;

import dev.kleiber.cli.ServerProcess;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.kleiber.server.ApiFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers on one PostgreSQL store, as during a blue-green switch: a token's rate limit, the lockout of an address
 * and a session hold across both, and an event written to the store reaches the streams of both.
 */
class ReplicasTest {
    @TempDir
    Path tmp;

    @Test
    void limitsLockoutSessionsAndLiveEventsHoldAcrossTwoServersOnOnePostgresqlStore() throws Exception {
        StoreUrl url = TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp);
        ApiFixture fixture = ApiFixture.create(tmp, url.toString(), """
                server:
                  rate_limits: {reads_per_minute: 20, writes_per_minute: 20}
                  lockout: {failures: 3, minutes: 1}
                """);
        String reader = fixture.token("wall-screen", "read");
        String other = fixture.token("other", "read");
        try (ServerProcess blue = fixture.start(); ServerProcess green = fixture.start()) {
            // 20 reads a minute for the token, wherever they land
            int served = 0;
            int onBlue = 0;
            ApiFixture.Response limited = null;
            for (int i = 0; i < 40 && limited == null; i++) {
                ServerProcess to = i % 2 == 0 ? blue : green;
                ApiFixture.Response r = get(to, "/api/v1/budget", reader);
                if (r.status() == 429) {
                    limited = r;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    served++;
                    onBlue += to == blue ? 1 : 0;
                }
            }
            assertThat(limited).as("no 429 in 40 reads at 20 a minute").isNotNull();
            limited.problem(429, "20 read requests a minute");
            assertThat(served).isBetween(20, 21);
            assertThat(onBlue).isBetween(1, served - 1);
            assertThat(get(green, "/api/v1/budget", other).status()).isEqualTo(200);

            // failures on blue and green add up to one lockout, refused by both
            assertThat(ApiFixture.raw(blue, "127.0.0.4", "/api/v1/runs", "kl_" + "x".repeat(43))).startsWith("HTTP/1.1 401");
            assertThat(ApiFixture.raw(green, "127.0.0.4", "/api/v1/runs", "kl_" + "x".repeat(43))).startsWith("HTTP/1.1 401");
            assertThat(ApiFixture.raw(blue, "127.0.0.4", "/api/v1/runs", "kl_" + "x".repeat(43))).startsWith("HTTP/1.1 429");
            assertThat(ApiFixture.raw(green, "127.0.0.4", "/api/v1/runs", other)).startsWith("HTTP/1.1 429").contains("locked out");

            // a session opened on blue is good on green
            ApiFixture.Response signIn = ApiFixture.post(blue, "/api/v1/session", "", "{\"token\":\"" + other + "\"}");
            String cookie = signIn.header("Set-Cookie").orElseThrow().split(";", 2)[0];
            ApiFixture.Response me = ApiFixture.send(green, HttpRequest.newBuilder(URI.create(green.url() + "/api/v1/session"))
                    .header("Cookie", cookie).GET(), "");
            assertThat(me.json().path("name").asText()).isEqualTo("other");

            // an event written to the store by another process reaches the streams of both servers
            String streamer = fixture.token("streamer", "read");
            long latest;
            try (Store store = Store.open(url, Clock.systemUTC())) {
                latest = store.runEvents().latestSeq(fixture.runId);
                CompletableFuture<List<String>> onBlueStream = stream(blue, fixture.runId, latest, streamer);
                CompletableFuture<List<String>> onGreenStream = stream(green, fixture.runId, latest, streamer);
                Thread.sleep(500);
                store.runEvents().append(fixture.runId, "card-fee", Instant.now(), "TaskQueued",
                        "{\"kind\":\"TaskQueued\",\"runId\":\"" + fixture.runId + "\",\"taskId\":\"card-fee\",\"reason\":\"replicas\"}");
                List<String> a = onBlueStream.get(30, TimeUnit.SECONDS);
                List<String> b = onGreenStream.get(30, TimeUnit.SECONDS);
                assertThat(a).isEqualTo(b);
                assertThat(a.get(0)).isEqualTo("id: " + (latest + 1));
                assertThat(a).contains("event: TaskQueued");
            }
        }
    }

    /** Reads the first event after {@code after} from {@code server}'s stream: its id, event and data lines. */
    private static CompletableFuture<List<String>> stream(ServerProcess server, String runId, long after, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + runId + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .header("Last-Event-ID", Long.toString(after)).timeout(Duration.ofSeconds(60)).GET().build();
        return ApiFixture.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(response -> {
            List<String> lines = new ArrayList<>();
            Iterator<String> it = response.body().iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("id: ") || line.startsWith("event: ") || line.startsWith("data: ")) {
                    lines.add(line);
                }
                if (line.startsWith("data: ")) {
                    break;
                }
            }
            response.body().close();
            return lines;
        });
    }
}
