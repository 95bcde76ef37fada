package dev.kleiber.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.cli.ServerProcess;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real repository (the Node sample shop under kleiber) with a run driven by scripted Messages API responses that
 * leaves two payments tasks waiting for review, and real servers over it on free loopback ports.
 */
final class ApiFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path repo;
    final Cli cli;
    final String runId;
    private final StoreUrl store;

    private ApiFixture(Path repo, Cli cli, String runId, StoreUrl store) {
        this.repo = repo;
        this.cli = cli;
        this.runId = runId;
        this.store = store;
    }

    /**
     * The sample shop with {@code yamlExtra} appended to kleiber.yaml, and a run with two tasks awaiting review, on
     * {@code shared} (kleiber.yaml's {@code store:}) or, when empty, the repository's own SQLite file.
     */
    static ApiFixture create(Path tmp, Optional<StoreUrl> shared, String yamlExtra) throws IOException {
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config)
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]")
                .replace("\nstore: sqlite\n", "\nstore: " + shared.map(StoreUrl::toString).orElse("sqlite") + "\n")
                + "\n" + yamlExtra);
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "the sample shop under kleiber");
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: refund-cap
                    title: Refund cap
                    agent: engineer-backend
                    description: Add a refund handler for card payment processing in src/services/refunds.js.
                    acceptance: [refunds at most the amount paid]
                    priority: p0
                  - id: card-fee
                    title: Card fee
                    agent: engineer-backend
                    description: Add the card payment processing fee in src/services/fees.js.
                    acceptance: [the fee is 2 percent]
                    priority: p0
                """);
        Script s = new Script();
        s.turn("refund-cap", write("src/services/refunds.js",
                "export function refundAmount(paid, asked) {\n  return Math.min(paid, asked);\n}\n"));
        s.turn("refund-cap", complete("Capped refunds."));
        s.turn("card-fee", write("src/services/fees.js", "export function cardFee(cents) {\n  return Math.round(cents * 0.02);\n}\n"));
        s.turn("card-fee", complete("Added the card fee."));
        Files.writeString(repo.resolve("script.jsonl"), s.text());
        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("refund-cap waits for a person").contains("card-fee waits for a person");
        // what the servers replay: the card fee's attempt after a rejection, and runs started through the API
        Script served = new Script();
        served.turn("card-fee", write("src/services/fees.js", "export function cardFee(cents) {\n  return Math.ceil(cents * 0.02);\n}\n"));
        served.turn("card-fee", complete("Rounded the card fee up."));
        served.turn("returns-note", write("src/frontend/returnsNote.js", "export function returnsNote() {\n  return 'Free returns';\n}\n"));
        served.turn("returns-note", complete("Added the returns note."));
        Files.writeString(repo.resolve("script.jsonl"), served.text());
        JsonNode status = JSON.readTree(cli.run("status", "--json").out());
        return new ApiFixture(repo, cli, status.path("run").asText(),
                shared.orElseGet(() -> new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db"))));
    }

    /** The store the servers share, to open beside them as another process would. */
    StoreUrl storeUrl() {
        return store;
    }

    ServerProcess start() {
        StringWriter err = new StringWriter();
        return ServerProcess.start(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()),
                Optional.of("127.0.0.1"), Optional.of(0), Optional.of(repo.resolve("script.jsonl")), new PrintWriter(err, true));
    }

    /** A new token's secret, made as `kleiber token create --json` makes it. */
    String token(String name, String scope) throws IOException {
        Cli.Result created = cli.run("token", "create", "--name", name, "--scope", scope, "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        return JSON.readTree(created.out()).path("secret").asText();
    }

    static Response get(ServerProcess server, String path, String token) {
        return send(server, HttpRequest.newBuilder(URI.create(server.url() + path)).GET(), token);
    }

    static Response post(ServerProcess server, String path, String token, String json) {
        return send(server, HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), token);
    }

    static Response send(ServerProcess server, HttpRequest.Builder request, String token) {
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One HTTP/1.1 GET from {@code localAddress} (another loopback address), the whole answer as text. */
    static String raw(ServerProcess server, String localAddress, String path, String token) throws IOException {
        return raw(server, localAddress, path, token, "");
    }

    /** As {@link #raw(ServerProcess, String, String, String)}, with extra header lines (each ending in CRLF). */
    static String raw(ServerProcess server, String localAddress, String path, String token, String headers) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\n" + headers + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    record Response(int status, String body, Map<String, List<String>> headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        /** Asserts an RFC 9457 problem document with {@code status} whose detail contains {@code detail}. */
        Response problem(int expected, String detail) {
            assertThat(status).as(body).isEqualTo(expected);
            assertThat(header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            JsonNode node = json();
            assertThat(node.path("status").asInt()).isEqualTo(expected);
            assertThat(node.path("title").asText()).isNotBlank();
            assertThat(node.path("detail").asText()).contains(detail).doesNotContain("Exception").doesNotContain("\tat ");
            return this;
        }
    }

    static ObjectNode write(String path, String content) {
        ObjectNode input = JSON.createObjectNode().put("path", path).put("content", content);
        return JSON.createObjectNode().put("type", "tool_use").put("name", "write_file").set("input", input);
    }

    static ObjectNode complete(String summary) {
        ObjectNode input = JSON.createObjectNode().put("summary", summary);
        input.putArray("decisions");
        return JSON.createObjectNode().put("type", "tool_use").put("name", "complete_task").set("input", input);
    }

    /** A ScriptedClient script (JSON Lines): under each key, its turns' responses in order. */
    static final class Script {
        private final List<String> lines = new ArrayList<>();

        void turn(String key, ObjectNode tool) {
            ObjectNode block = tool.deepCopy();
            block.put("id", "toolu_" + lines.size());
            ArrayNode content = JSON.createArrayNode().add(block);
            ObjectNode response = JSON.createObjectNode().put("id", "msg_" + lines.size()).put("type", "message")
                    .put("role", "assistant").put("model", "claude-sonnet-4-5");
            response.set("content", content);
            response.put("stop_reason", "tool_use").putNull("stop_sequence");
            response.putObject("usage").put("input_tokens", 1200).put("output_tokens", 300)
                    .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0);
            ObjectNode line = JSON.createObjectNode().put("key", key);
            line.set("response", response);
            lines.add(line.toString());
        }

        String text() {
            return String.join("\n", lines) + "\n";
        }
    }
}
