package dev.kleiber.server;

import dev.kleiber.cli.Cli;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber serve} as a real process: keep-alive comments on a quiet event stream at the interval kleiber.yaml
 * sets, CORS only for the configured origin (preflight included), and a graceful stop on SIGTERM: new connections are
 * refused, a request under way finishes, the event stream is closed, and the process exits 0. Before it, a server killed
 * while planning a request: the next one records that request as never started (410 with why).
 */
class ServeProcessTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String ORIGIN = "https://dash.example.com";
    private static final String KEY = "sk-ant-serve-process-key";

    @TempDir
    Path tmp;
    private Process process;

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void keepAlivesCorsAndAGracefulStopOnSigterm() throws Exception {
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        Cli cli = new Cli(repo);
        assertThat(cli.run("init").exitCode()).isZero();
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config) + """

                server:
                  keep_alive_seconds: 1
                  cors_origins: [%s]
                """.formatted(ORIGIN));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");
        String runId = "run-20261207-080000";
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            store.runs().create(runId, "a quiet run");
            store.runEvents().append(runId, "", Instant.now(), "TaskQueued",
                    "{\"kind\":\"TaskQueued\",\"runId\":\"" + runId + "\",\"taskId\":\"a\",\"reason\":\"test\"}");
        }
        String token = ApiFixture.JSON.readTree(cli.run("token", "create", "--name", "phone", "--scope", "approve", "--json")
                .out()).path("secret").asText();

        String admin = ApiFixture.JSON.readTree(cli.run("token", "create", "--name", "ops", "--scope", "admin", "--json")
                .out()).path("secret").asText();
        // a request being planned when its server is killed (SIGKILL: nothing more is recorded) never becomes a run;
        // the next server to start records why, instead of answering "being planned" for ever
        String orphan;
        CountDownLatch planning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> {
                planning.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeReply.error(500, "api_error", "the test's server is gone");
            });
            Path firstLog = tmp.resolve("first.log");
            process = serve(repo, firstLog, Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString()));
            String first = "http://127.0.0.1:" + awaitPort(firstLog);
            ApiFixture.Response started = send(HttpRequest.newBuilder(URI.create(first + "/api/v1/runs"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"request\": \"Add a returns page\"}")));
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            orphan = started.json().path("run").asText();
            assertThat(planning.await(60, TimeUnit.SECONDS)).as("the planner called the Messages API").isTrue();
            send(HttpRequest.newBuilder(URI.create(first + "/api/v1/runs/" + orphan)).header("Authorization", "Bearer " + token))
                    .problem(409, "is being planned");
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            release.countDown();
        }

        Path log = tmp.resolve("serve.log");
        process = serve(repo, log, Map.of());
        int port = awaitPort(log);
        String base = "http://127.0.0.1:" + port;
        assertThat(Files.readString(log)).contains("the request of run " + orphan
                + " was being planned when its server stopped; recorded as never started");
        send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/" + orphan)).header("Authorization", "Bearer " + token))
                .problem(410, "was never started: the server planning it stopped before its plan was ready");

        // CORS: the listed origin's preflight and calls carry the headers; another origin's get none
        ApiFixture.Response preflight = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/budget/raise"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
        assertThat(preflight.status()).as(preflight.body()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(preflight.header("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
        assertThat(preflight.header("Access-Control-Allow-Headers")).hasValueSatisfying(v -> assertThat(v)
                .contains("Authorization").contains("Content-Type"));
        assertThat(preflight.header("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Origin"));
        ApiFixture.Response foreign = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/budget/raise"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "POST"));
        foreign.problem(403, "cross-origin requests from 'https://evil.example.com' are not allowed");
        assertThat(foreign.header("Access-Control-Allow-Origin")).isEmpty();
        ApiFixture.Response listed = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/budget"))
                .header("Origin", ORIGIN).header("Authorization", "Bearer " + token));
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.header("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/budget")).header("Origin", "https://evil.example.com")
                .header("Authorization", "Bearer " + token)).header("Access-Control-Allow-Origin")).isEmpty();

        // no API key in the server's environment: runs cannot start, and the caller is told so
        ApiFixture.Response unavailable = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"request\": \"Add a returns page\"}")));
        unavailable.problem(503, "this server cannot start runs: ANTHROPIC_API_KEY is not set");

        // a quiet stream: its one event, then a keep-alive comment every second
        Socket stream = open(port, "GET /api/v1/runs/" + runId + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + token + "\r\nAccept: text/event-stream\r\n\r\n");
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        int keepAlives = 0;
        for (String line = events.readLine(); line != null && keepAlives < 2; line = events.readLine()) {
            seen.add(line);
            keepAlives += line.contains(": keep-alive") ? 1 : 0;
        }
        assertThat(seen).contains("event: TaskQueued").anyMatch(l -> l.startsWith("HTTP/1.1 200"));
        assertThat(keepAlives).as(String.join("\n", seen)).isEqualTo(2);

        // a request under way: its headers sent with Expect: 100-continue, which the server answers only once the
        // request is in its handlers, reading the body; the body follows after SIGTERM
        String body = "{\"to\": 80}";
        Socket raise = open(port, "POST /api/v1/budget/raise HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
        raise.setSoTimeout(60_000);
        BufferedReader answer = new BufferedReader(new InputStreamReader(raise.getInputStream(), StandardCharsets.UTF_8));
        assertThat(answer.readLine()).isEqualTo("HTTP/1.1 100 Continue");
        assertThat(answer.readLine()).isEmpty();

        process.toHandle().destroy(); // SIGTERM
        // no new connections...
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                Thread.sleep(50);
            } catch (SocketException e) {
                // refused (ConnectException), or reset: a connection the kernel queued just as the server closed its socket
                refused = true;
            }
        }
        assertThat(refused).as("new connections refused after SIGTERM").isTrue();
        // ...the request under way finishes...
        assertThat(process.isAlive()).as("the process waits for the request under way").isTrue();
        raise.getOutputStream().write(body.getBytes(StandardCharsets.US_ASCII));
        raise.getOutputStream().flush();
        StringBuilder answered = new StringBuilder();
        for (String line = answer.readLine(); line != null; line = answer.readLine()) {
            answered.append(line).append('\n');
        }
        raise.close();
        assertThat(answered.toString()).startsWith("HTTP/1.1 200").contains("\"by\":\"phone (token)\"");
        // ...and the stream was closed
        stream.setSoTimeout(30_000);
        String rest;
        do {
            rest = events.readLine();
        } while (rest != null && !rest.equals("0"));
        stream.close();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process exits").isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("kleiber serve: stopped").doesNotContain("Exception");
    }

    /** {@code kleiber serve --port 0} as a process of its own, without an API key unless {@code env} gives one. */
    private static Process serve(Path repo, Path log, Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.kleiber.cli.Main", "serve", "--port", "0")
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("ANTHROPIC_API_KEY");
        builder.environment().remove("ANTHROPIC_BASE_URL");
        builder.environment().putAll(env);
        return builder.start();
    }

    private static Socket open(int port, String head) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static ApiFixture.Response send(HttpRequest.Builder request) {
        try {
            var response = ApiFixture.HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new ApiFixture.Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int awaitPort(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertThat(process.isAlive()).as("kleiber serve exited: " + Files.readString(log)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("kleiber serve did not say where it listens: " + Files.readString(log));
    }
}
