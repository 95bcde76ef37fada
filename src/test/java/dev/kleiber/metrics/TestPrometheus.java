package dev.kleiber.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's {@code prometheus}) on a loopback port with a temp config that scrapes the given
 * targets every second and loads Kleiber's alert rules; queried through its HTTP API.
 */
final class TestPrometheus implements AutoCloseable {
    record Target(String job, String address) {
    }

    /** A query's answer: the error Prometheus gave (empty when none) and how many series it returned. */
    record Result(Optional<String> error, int series, JsonNode data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final String base;

    private TestPrometheus(Process process, String base) {
        this.process = process;
        this.base = base;
    }

    static TestPrometheus start(Path dir, List<Target> targets) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path rules = Path.of("deploy/prometheus/kleiber-alerts.yml").toAbsolutePath();
        String jobs = targets.stream().map(t -> "  - job_name: " + t.job() + "\n    static_configs:\n      - targets: [\""
                + t.address() + "\"]\n").collect(Collectors.joining());
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - \""
                + rules + "\"\nscrape_configs:\n" + jobs);
        int port = MetricsRunTest.freePort();
        Process process = new ProcessBuilder(Tools.require("prometheus"), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        TestPrometheus prometheus = new TestPrometheus(process, "http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(prometheus.base + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return prometheus;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        prometheus.close();
        throw new IOException("prometheus was not ready in 30 s: " + Files.readString(dir.resolve("prometheus.log")));
    }

    Result query(String expr) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + encode(expr));
    }

    Result queryRange(String expr, long startSeconds, long endSeconds, int stepSeconds) throws IOException, InterruptedException {
        return get("/api/v1/query_range?query=" + encode(expr) + "&start=" + startSeconds + "&end=" + endSeconds
                + "&step=" + stepSeconds);
    }

    /** Waits until {@code expr}'s single value is {@code expected}. */
    void awaitValue(String expr, double expected, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Result last = null;
        while (System.nanoTime() < deadline) {
            last = query(expr);
            JsonNode result = last.data().path("result");
            if (result.size() == 1 && result.path(0).path("value").path(1).asDouble() == expected) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(expr + " did not become " + expected + " in " + timeout + "; last " + last);
    }

    private Result get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (!"success".equals(body.path("status").asText())) {
            return new Result(Optional.of(body.path("errorType").asText() + ": " + body.path("error").asText()), 0, body);
        }
        JsonNode data = body.path("data");
        int series = data.path("result").isArray() ? data.path("result").size() : 1;
        return new Result(Optional.empty(), series, data);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
