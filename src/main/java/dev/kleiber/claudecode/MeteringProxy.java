package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kleiber.KleiberException;
import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.CallBudget;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.CallResult;
import dev.kleiber.ledger.Reservation;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.ledger.UnknownPriceException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The only way an outside agent CLI reaches the Messages API: a loopback HTTP server given to it as
 * {@code ANTHROPIC_BASE_URL}. The CLI authenticates with a per-session token; the proxy checks the requested model
 * is the routed one, reserves the call's worst case with the budget guard (refusing, with an API error the CLI
 * understands, a call that would pass a limit), forwards it upstream with the real key, reads the usage from the
 * answer as it streams through (server-sent events or JSON), and settles the reservation, which writes the ledger
 * row. The real key never leaves this process. The tool calls in each answer are handed to a listener as they pass
 * ({@link ModelToolCalls}): Kleiber's own record of what the model asked the CLI to do.
 */
public final class MeteringProxy implements AutoCloseable {
    /** Headers passed upstream as the CLI sent them; everything else (its token above all) stays here. */
    private static final Set<String> FORWARDED = Set.of("content-type", "accept", "anthropic-version", "anthropic-beta",
            "user-agent", "x-stainless-helper-method");
    /** Larger bodies are refused: a session's context is bounded well below this. */
    private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    /** As Kleiber's own client: request bytes bound the tokens; cache writes cost up to twice plain input. */
    private static final long API_OVERHEAD_TOKENS = 1024;
    private static final long CACHE_WRITE_PRICE_FACTOR = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long closing waits for the exchanges still running (the last answer's tail) to end and settle. */
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(10);

    private final URI upstream;
    private final String apiKey;
    private final CallBudget budget;
    private final CallContext context;
    private final String routedModel;
    private final String token;
    private final Consumer<ModelToolCalls.Call> toolCalls;
    private final HttpServer server;
    /** Runs the exchanges with the CLI. */
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** The upstream client's own, so that it keeps working while the exchanges finish at {@link #close()}. */
    private final ExecutorService upstreamExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<MeteredCall> calls = new ArrayList<>();
    private final List<ProxyRefusal> refusals = new ArrayList<>();

    private MeteringProxy(URI upstream, String apiKey, CallBudget budget, CallContext context, String routedModel,
                          Consumer<ModelToolCalls.Call> toolCalls) throws IOException {
        this.upstream = upstream;
        this.apiKey = apiKey;
        this.budget = budget;
        this.context = context;
        this.routedModel = routedModel;
        this.toolCalls = toolCalls;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.token = "kleiber-proxy-" + HexFormat.of().formatHex(secret);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).executor(upstreamExecutor).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts a proxy on a free loopback port for one session of {@code context}, allowing {@code routedModel} only;
     * {@code toolCalls} hears each tool call of the model's answers, on the thread relaying the answer, before the CLI
     * has it whole.
     */
    static MeteringProxy start(URI upstream, String apiKey, CallBudget budget, CallContext context,
                               String routedModel, Consumer<ModelToolCalls.Call> toolCalls) {
        try {
            return new MeteringProxy(upstream, apiKey, budget, context, routedModel, toolCalls);
        } catch (IOException e) {
            throw KleiberException.failed("cannot start the metering proxy on loopback: " + e.getMessage(), e);
        }
    }

    /** What the CLI is given as {@code ANTHROPIC_BASE_URL}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The per-session credential the CLI is given instead of the API key. */
    public String token() {
        return token;
    }

    public synchronized List<MeteredCall> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<ProxyRefusal> refusals() {
        return List.copyOf(refusals);
    }

    /**
     * Stops taking calls and waits (up to {@link #SETTLE_WAIT}) for the exchanges still running to end, so that every
     * call is settled in the ledger before the session is reported; the CLI may exit before the last answer's stream
     * has closed. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(SETTLE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                executor.shutdownNow(); // an exchange interrupted still settles what it reserved
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            http.shutdownNow();
            upstreamExecutor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if ((method.equals("HEAD") || method.equals("GET")) && path.equals("/")) {
                // the CLI probes its base URL before the first call
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            if (!authorised(exchange)) {
                error(exchange, 401, "authentication_error", "invalid proxy token");
                return;
            }
            if (!method.equals("POST") || !(path.equals("/v1/messages") || path.equals("/v1/messages/count_tokens"))) {
                error(exchange, 404, "not_found_error", "Kleiber's proxy forwards POST /v1/messages only; not "
                        + method + " " + path);
                return;
            }
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                error(exchange, 413, "request_too_large", "the request is larger than Kleiber's proxy accepts");
                return;
            }
            JsonNode json = parse(body);
            String model = json.path("model").asText("");
            if (!model.equals(routedModel)) {
                refuse(exchange, new ProxyRefusal.Model(model, routedModel));
                return;
            }
            if (path.equals("/v1/messages/count_tokens")) {
                forward(exchange, body, Optional.empty(), model); // counting is free: nothing to reserve
                return;
            }
            long maxTokens = json.path("max_tokens").asLong(0);
            if (maxTokens <= 0) {
                error(exchange, 400, "invalid_request_error", "max_tokens: a positive number is required");
                return;
            }
            Reservation reservation;
            try {
                reservation = budget.reserve(context, model, (body.length + API_OVERHEAD_TOKENS) * CACHE_WRITE_PRICE_FACTOR,
                        maxTokens);
            } catch (BudgetExceededException e) {
                refuse(exchange, new ProxyRefusal.Budget(e.getMessage()));
                return;
            } catch (UnknownPriceException e) {
                refuse(exchange, new ProxyRefusal.Unpriced(e.getMessage()));
                return;
            }
            forward(exchange, body, Optional.of(reservation), model);
        }
    }

    /** Forwards the call; a reserved call is settled on every path, with whatever usage came back. */
    private void forward(HttpExchange exchange, byte[] body, Optional<Reservation> reservation, String model)
            throws IOException {
        WireUsage usage = new WireUsage();
        String[] answered = {model};
        int status = 0;
        boolean streamed = false;
        CallOutcome outcome = CallOutcome.ERROR;
        Optional<String> requestId = Optional.empty();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().getRawPath()
                            + Optional.ofNullable(exchange.getRequestURI().getRawQuery()).map(q -> "?" + q).orElse("")))
                    .timeout(Duration.ofMinutes(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("x-api-key", apiKey);
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = CallOutcome.CANCELLED;
                error(exchange, 529, "overloaded_error", "the session is stopping");
                return;
            } catch (IOException e) {
                error(exchange, 529, "overloaded_error", "Kleiber's proxy cannot reach the API: " + e.getMessage());
                return;
            }
            status = response.statusCode();
            requestId = response.headers().firstValue("request-id");
            String type = response.headers().firstValue("content-type").orElse("application/json");
            streamed = type.startsWith("text/event-stream");
            exchange.getResponseHeaders().add("content-type", type);
            requestId.ifPresent(id -> exchange.getResponseHeaders().add("request-id", id));
            response.headers().firstValue("retry-after").ifPresent(v -> exchange.getResponseHeaders().add("retry-after", v));
            try (InputStream in = response.body()) {
                if (streamed) {
                    exchange.sendResponseHeaders(status, 0);
                    relayEvents(in, exchange.getResponseBody(), usage, answered, new ModelToolCalls(toolCalls));
                } else {
                    byte[] answer = in.readAllBytes();
                    JsonNode json = parse(answer);
                    usage.take(json.path("usage"));
                    if (status == 200) {
                        new ModelToolCalls(toolCalls).takeMessage(json);
                    }
                    answered[0] = json.path("model").asText(model);
                    exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                    exchange.getResponseBody().write(answer);
                }
            }
            outcome = status == 200 ? CallOutcome.OK : CallOutcome.ERROR;
        } finally {
            TokenUsage used = usage.usage();
            CallOutcome finalOutcome = outcome;
            Optional<String> finalRequestId = requestId;
            reservation.ifPresent(r -> budget.settle(r, new CallResult(answered[0], used, finalOutcome, finalRequestId)));
            if (reservation.isPresent()) {
                synchronized (this) {
                    calls.add(new MeteredCall(model, answered[0], status, streamed, used));
                }
            }
        }
    }

    /**
     * Copies the event stream line by line as it arrives, reading usage from message_start and message_delta and the
     * tool calls from the content blocks; each event is read before it is handed on.
     */
    private static void relayEvents(InputStream in, OutputStream out, WireUsage usage, String[] answered,
                                    ModelToolCalls tools) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("data:")) {
                JsonNode data = parse(line.substring(5).strip().getBytes(StandardCharsets.UTF_8));
                tools.takeEvent(data);
                switch (data.path("type").asText("")) {
                    case "message_start" -> {
                        usage.take(data.path("message").path("usage"));
                        answered[0] = data.path("message").path("model").asText(answered[0]);
                    }
                    case "message_delta" -> usage.take(data.path("usage"));
                    default -> {
                    }
                }
            }
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (line.isEmpty()) {
                out.flush(); // an event ends with a blank line: hand it on now
            }
        }
        out.flush();
    }

    private boolean authorised(HttpExchange exchange) {
        String given = Optional.ofNullable(exchange.getRequestHeaders().getFirst("x-api-key"))
                .or(() -> Optional.ofNullable(exchange.getRequestHeaders().getFirst("authorization"))
                        .filter(v -> v.startsWith("Bearer ")).map(v -> v.substring(7)))
                .orElse("");
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Refuses a call with a 400 {@code invalid_request_error}: the CLI reports it and ends its turn instead of retrying
     * (it retries 429 and 5xx), and the worker reads the refusal from here, not from the CLI's text.
     */
    private void refuse(HttpExchange exchange, ProxyRefusal refusal) throws IOException {
        synchronized (this) {
            refusals.add(refusal);
        }
        error(exchange, 400, "invalid_request_error", "Kleiber: " + refusal.message());
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
