package dev.kleiber.llm.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local stand-in for the Anthropic Messages API speaking its real wire format: {@code POST /v1/messages}
 * answered as JSON or, when the request says {@code "stream": true}, as server-sent events ({@code message_start},
 * {@code content_block_start/delta/stop} with {@code text_delta} and {@code input_json_delta}, {@code ping},
 * {@code message_delta} with usage, {@code message_stop}, {@code error}). Replies are queued per request or
 * computed by a responder; usage comes from a {@link PromptCache} that honours {@code cache_control} like the
 * API. It checks what the API checks (key, version header, body shape, at most four breakpoints, TTL order)
 * and records every request it receives. It also serves {@code GET /v1/models} (paginated with {@code limit},
 * {@code after_id}, {@code has_more}, {@code first_id}, {@code last_id}), {@code POST /v1/messages/count_tokens},
 * and answers a request for a retired model with the API's 404 {@code not_found_error}.
 */
public final class FakeMessagesApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String expectedKey;
    private final PromptCache cache;
    private final Deque<FakeReply> queue = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    /** The lineup of late 2026, newest first as the API lists it. */
    public static final List<FakeModel> CURRENT_MODELS = List.of(
            FakeModel.of("claude-haiku-5-5", "2026-10-07"),
            FakeModel.of("claude-sonnet-5-5", "2026-09-28"),
            FakeModel.of("claude-opus-5-5", "2026-08-20"),
            FakeModel.of("claude-opus-5", "2026-07-24"),
            FakeModel.of("claude-sonnet-5", "2026-06-30"),
            FakeModel.of("claude-opus-4-8", "2026-05-28"),
            FakeModel.of("claude-sonnet-4-6", "2026-02-17"),
            FakeModel.of("claude-opus-4-6", "2026-02-05"),
            FakeModel.of("claude-haiku-4-5-20251001", "2025-10-15"),
            FakeModel.of("claude-sonnet-4-5-20250929", "2025-09-29"),
            FakeModel.of("claude-opus-4-1-20250805", "2025-08-05"));
    /** Ids the API answers with 404 not_found_error, as it does for a retired model. */
    public static final List<String> RETIRED = List.of("claude-3-haiku-20240307", "claude-3-opus-20240229",
            "claude-opus-4-20250514", "claude-sonnet-4-20250514", "claude-3-5-haiku-20241022");

    private List<FakeModel> models = CURRENT_MODELS;
    private final java.util.Set<String> retired = new java.util.HashSet<>(RETIRED);
    private int defaultPageSize = 20;
    private volatile boolean preservedThinking;
    private volatile long contextWindow = Long.MAX_VALUE;
    private Function<RecordedRequest, FakeReply> responder =
            request -> FakeReply.answer(FakeReply.text("fake answer " + request.sequence()));

    /**
     * @param expectedKey        requests without this key (in {@code x-api-key} or as {@code Authorization: Bearer}) get a 401
     * @param minCacheableTokens prompts shorter than this are not cached (the API's minimum is 1024 for most models)
     */
    public FakeMessagesApi(String expectedKey, Clock clock, long minCacheableTokens) {
        this.expectedKey = expectedKey;
        this.cache = new PromptCache(clock, minCacheableTokens);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeMessagesApi start(String expectedKey) {
        return new FakeMessagesApi(expectedKey, Clock.systemUTC(), 1024);
    }

    /** The URL to give the client as {@code ANTHROPIC_BASE_URL}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Queues replies, served one per request in arrival order before the responder is asked. */
    public synchronized FakeMessagesApi enqueue(FakeReply... replies) {
        queue.addAll(List.of(replies));
        return this;
    }

    /** Computes the reply to each request the queue does not cover. */
    public synchronized FakeMessagesApi respondWith(Function<RecordedRequest, FakeReply> responder) {
        this.responder = responder;
        return this;
    }

    /** What {@code GET /v1/models} lists, newest first. */
    public synchronized FakeMessagesApi models(List<FakeModel> listed) {
        this.models = List.copyOf(listed);
        return this;
    }

    /** A request for {@code id} gets the API's 404 for a retired model. */
    public synchronized FakeMessagesApi retire(String id) {
        retired.add(id);
        models = models.stream().filter(m -> !m.id().equals(id)).toList();
        return this;
    }

    /** The page size of {@code GET /v1/models} when the request gives no {@code limit} (the API's is 20). */
    public synchronized FakeMessagesApi pageSize(int size) {
        this.defaultPageSize = size;
        return this;
    }

    /**
     * Answers as today's models do (Opus, Sonnet and Haiku 5.5): every answer starts with a thinking block whose
     * text is empty (the API's default display), signed over the request before it.
     */
    public FakeMessagesApi preservedThinking(boolean on) {
        this.preservedThinking = on;
        return this;
    }

    /**
     * The model's context window: a Messages request whose prompt counts more input tokens than this (as
     * {@code count_tokens} counts them) gets the API's 400 "prompt is too long".
     */
    public FakeMessagesApi contextWindow(long tokens) {
        this.contextWindow = tokens;
        return this;
    }

    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Input tokens of every request so far: uncached, written to cache, read from cache. */
    public FakeUsage cacheTotals() {
        return cache.totals();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode json = parse(body);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            RecordedRequest request = new RecordedRequest(sequence.incrementAndGet(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), Map.copyOf(headers), body, json);
            FakeReply reply;
            synchronized (this) {
                requests.add(request);
            }
            Optional<FakeReply.Error> refusal = check(request);
            if (refusal.isPresent()) {
                reply = refusal.get();
            } else if (request.path().equals("/v1/models")) {
                reply = new FakeReply.Raw(200, "application/json", modelPage(exchange.getRequestURI().getRawQuery()));
            } else if (request.path().equals("/v1/messages/count_tokens")) {
                reply = new FakeReply.Raw(200, "application/json",
                        JSON.createObjectNode().put("input_tokens", PromptCache.count(request.json())).toString());
            } else if (PromptCache.count(request.json()) > contextWindow) {
                reply = FakeReply.error(400, "invalid_request_error", "prompt is too long: "
                        + PromptCache.count(request.json()) + " tokens > " + contextWindow + " maximum");
            } else if (isRetired(request.json().path("model").asText())) {
                reply = FakeReply.error(404, "not_found_error", "model: " + request.json().path("model").asText());
            } else {
                reply = next(request);
            }
            serve(exchange, request, reply);
            exchange.close();
        } catch (ConnectionCut cut) {
            throw cut;
        } catch (IOException | RuntimeException e) {
            exchange.close();
            throw e;
        }
    }

    private FakeReply next(RecordedRequest request) {
        Function<RecordedRequest, FakeReply> fallback;
        synchronized (this) {
            FakeReply queued = queue.poll();
            if (queued != null) {
                return queued;
            }
            fallback = responder;
        }
        return fallback.apply(request);
    }

    private synchronized boolean isRetired(String model) {
        return retired.contains(model);
    }

    /** One page of {@code GET /v1/models}: {@code limit} models after {@code after_id}. */
    private synchronized String modelPage(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        int limit = Optional.ofNullable(query.get("limit")).map(Integer::parseInt).orElse(defaultPageSize);
        int start = 0;
        if (query.containsKey("after_id")) {
            for (int i = 0; i < models.size(); i++) {
                if (models.get(i).id().equals(query.get("after_id"))) {
                    start = i + 1;
                }
            }
        }
        List<FakeModel> page = models.subList(Math.min(start, models.size()), Math.min(start + limit, models.size()));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        page.forEach(m -> data.addObject().put("type", "model").put("id", m.id()).put("display_name", m.displayName())
                .put("created_at", m.createdAt().toString()));
        body.put("has_more", start + limit < models.size());
        if (page.isEmpty()) {
            body.putNull("first_id").putNull("last_id");
        } else {
            body.put("first_id", page.getFirst().id()).put("last_id", page.getLast().id());
        }
        return body.toString();
    }

    /** The API's own checks, in the order it makes them. */
    private Optional<FakeReply.Error> check(RecordedRequest request) {
        boolean known = request.method().equals("POST") && request.path().equals("/v1/messages")
                || request.method().equals("POST") && request.path().equals("/v1/messages/count_tokens")
                || request.method().equals("GET") && request.path().equals("/v1/models");
        if (!known) {
            return Optional.of(FakeReply.error(404, "not_found_error", "Not found: " + request.method() + " " + request.path()));
        }
        if (request.credential().filter(expectedKey::equals).isEmpty()) {
            return Optional.of(FakeReply.error(401, "authentication_error", "invalid x-api-key"));
        }
        if (request.header("anthropic-version").isEmpty()) {
            return Optional.of(FakeReply.error(400, "invalid_request_error", "anthropic-version: header is required"));
        }
        if (request.method().equals("GET")) {
            return Optional.empty();
        }
        JsonNode json = request.json();
        if (!json.isObject()) {
            return Optional.of(FakeReply.error(400, "invalid_request_error", "The request body is not valid JSON"));
        }
        List<String> required = request.path().equals("/v1/messages") ? List.of("model", "max_tokens", "messages")
                : List.of("model", "messages");
        for (String field : required) {
            if (json.path(field).isMissingNode()) {
                return Optional.of(FakeReply.error(400, "invalid_request_error", field + ": Field required"));
            }
        }
        List<String> ttls = new ArrayList<>();
        json.path("tools").forEach(t -> ttl(t).ifPresent(ttls::add));
        if (json.path("system").isArray()) {
            json.path("system").forEach(b -> ttl(b).ifPresent(ttls::add));
        }
        json.path("messages").forEach(m -> m.path("content").forEach(b -> ttl(b).ifPresent(ttls::add)));
        if (ttls.size() > 4) {
            return Optional.of(FakeReply.error(400, "invalid_request_error",
                    "A maximum of 4 blocks with cache_control may be provided. Found " + ttls.size() + "."));
        }
        int firstShort = ttls.indexOf("5m");
        if (firstShort >= 0 && ttls.subList(firstShort, ttls.size()).contains("1h")) {
            return Optional.of(FakeReply.error(400, "invalid_request_error",
                    "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block"));
        }
        if (request.path().equals("/v1/messages")) {
            Optional<FakeReply.Error> unpaired = checkToolPairs(json.path("messages"));
            if (unpaired.isPresent()) {
                return unpaired;
            }
        }
        return checkThinking(json);
    }

    /**
     * The API's pairing rule: the message after an assistant turn with {@code tool_use} blocks answers every one
     * of them with a {@code tool_result}, and a {@code tool_result} answers a {@code tool_use} of the turn before.
     */
    private static Optional<FakeReply.Error> checkToolPairs(JsonNode messages) {
        for (int m = 0; m < messages.size(); m++) {
            java.util.Set<String> asked = new java.util.HashSet<>();
            if (m > 0) {
                messages.get(m - 1).path("content").forEach(b -> {
                    if (b.path("type").asText().equals("tool_use")) {
                        asked.add(b.path("id").asText());
                    }
                });
            }
            java.util.Set<String> answered = new java.util.HashSet<>();
            for (JsonNode block : messages.get(m).path("content")) {
                if (block.path("type").asText().equals("tool_result")) {
                    String id = block.path("tool_use_id").asText();
                    if (!asked.contains(id)) {
                        return Optional.of(FakeReply.error(400, "invalid_request_error", "messages." + m
                                + ".content: unexpected `tool_use_id` found in `tool_result` blocks: " + id
                                + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message."));
                    }
                    answered.add(id);
                }
            }
            if (m > 0 && !asked.isEmpty() && !answered.containsAll(asked)) {
                return Optional.of(FakeReply.error(400, "invalid_request_error", "messages." + (m - 1)
                        + ": `tool_use` ids were found without `tool_result` blocks immediately after"));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ttl(JsonNode block) {
        JsonNode control = block.path("cache_control");
        return control.isObject() ? Optional.of(control.path("ttl").asText("5m")) : Optional.empty();
    }

    private void serve(HttpExchange exchange, RecordedRequest request, FakeReply reply) throws IOException {
        exchange.getResponseHeaders().add("request-id", "req_fake_" + request.sequence());
        switch (reply) {
            case FakeReply.Error error -> {
                error.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                ObjectNode body = JSON.createObjectNode().put("type", "error");
                body.putObject("error").put("type", error.type()).put("message", error.message());
                body.put("request_id", "req_fake_" + request.sequence());
                sendBody(exchange, error.status(), "application/json", body.toString());
            }
            case FakeReply.Raw raw -> sendBody(exchange, raw.status(), raw.contentType(), raw.body());
            case FakeReply.Answer given -> {
                FakeReply.Answer answer = withThinking(given);
                List<Event> events = events(request, answer);
                if (request.streaming()) {
                    stream(exchange, events, events.size(), Optional.empty());
                } else {
                    sendBody(exchange, 200, "application/json", message(request, answer).toString());
                }
            }
            case FakeReply.StreamError streamError -> {
                List<Event> events = events(request, streamError.answer());
                ObjectNode error = JSON.createObjectNode().put("type", "error");
                error.putObject("error").put("type", streamError.type()).put("message", streamError.message());
                stream(exchange, events, streamError.eventsBefore(), Optional.of(new Event("error", error)));
            }
            case FakeReply.Cut cut -> {
                List<Event> events = events(request, cut.answer());
                stream(exchange, events, cut.eventsBefore(), Optional.empty());
                // Leaving the handler by an exception makes the JDK server drop the connection without the
                // closing chunk: the client sees the stream break off, as when a connection is cut.
                throw new ConnectionCut();
            }
        }
    }

    private FakeReply.Answer withThinking(FakeReply.Answer answer) {
        if (!preservedThinking || answer.content().stream().anyMatch(FakeReply.Block.Thinking.class::isInstance)) {
            return answer;
        }
        List<FakeReply.Block> blocks = new ArrayList<>();
        blocks.add(FakeReply.thinking(""));
        blocks.addAll(answer.content());
        return new FakeReply.Answer(List.copyOf(blocks), answer.model(), answer.usage(), answer.stopReason());
    }

    /**
     * The API's prefix check: a thinking block sent back must carry the signature it was given, which binds it to
     * the system prompt, the tools, every earlier message and its own text. Cache breakpoints may move freely.
     */
    private static Optional<FakeReply.Error> checkThinking(JsonNode json) {
        JsonNode messages = json.path("messages");
        for (int m = 0; m < messages.size(); m++) {
            JsonNode content = messages.get(m).path("content");
            for (int b = 0; b < content.size(); b++) {
                JsonNode block = content.get(b);
                if (!block.path("type").asText().equals("thinking")) {
                    continue;
                }
                String expected = signature(json, m, block.path("thinking").asText());
                if (!expected.equals(block.path("signature").asText())) {
                    return Optional.of(FakeReply.error(400, "invalid_request_error", "messages." + m + ".content." + b
                            + ": Invalid `signature` in `thinking` block. The block is bound to a different conversation. "
                            + "Remove the block, or set `thinking.block_binding.prefix_mismatch_behavior` to \"drop_block\"."));
                }
            }
        }
        return Optional.empty();
    }

    /** The signature of a thinking block at message {@code index} of {@code request}: a hash of all before it. */
    static String signature(JsonNode request, int index, String thinking) {
        ObjectNode prefix = JSON.createObjectNode();
        prefix.set("system", withoutCacheControl(request.path("system")));
        prefix.set("tools", withoutCacheControl(request.path("tools")));
        ArrayNode earlier = prefix.putArray("messages");
        for (int m = 0; m < index && m < request.path("messages").size(); m++) {
            earlier.add(withoutCacheControl(request.path("messages").get(m)));
        }
        prefix.put("thinking", thinking);
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(prefix.toString().getBytes(StandardCharsets.UTF_8));
            return "sig_" + java.util.Base64.getEncoder().encodeToString(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode withoutCacheControl(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("cache_control");
        }
        node.forEach(FakeMessagesApi::strip);
    }

    private static void sendBody(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static void stream(HttpExchange exchange, List<Event> events, int count, Optional<Event> last) throws IOException {
        exchange.getResponseHeaders().add("content-type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().add("cache-control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (Event event : events.subList(0, Math.min(count, events.size()))) {
            write(out, event);
        }
        if (last.isPresent()) {
            write(out, last.get());
        }
        out.flush();
    }

    private static void write(OutputStream out, Event event) throws IOException {
        out.write(("event: " + event.name() + "\ndata: " + event.data() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private record Event(String name, JsonNode data) {
    }

    /** The events of a whole streamed answer, in the order the API sends them. */
    private List<Event> events(RecordedRequest request, FakeReply.Answer answer) {
        FakeUsage usage = usage(request, answer);
        ObjectNode start = message(request, answer, usage);
        start.set("content", JSON.createArrayNode());
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        ((ObjectNode) start.path("usage")).put("output_tokens", 1);
        List<Event> events = new ArrayList<>();
        events.add(new Event("message_start", JSON.createObjectNode().put("type", "message_start").set("message", start)));
        events.add(new Event("ping", JSON.createObjectNode().put("type", "ping")));
        for (int index = 0; index < answer.content().size(); index++) {
            FakeReply.Block block = answer.content().get(index);
            ObjectNode startBlock = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            switch (block) {
                case FakeReply.Block.Text text -> {
                    startBlock.putObject("content_block").put("type", "text").put("text", "");
                    events.add(new Event("content_block_start", startBlock));
                    for (String piece : pieces(text.text(), 16)) {
                        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                        delta.putObject("delta").put("type", "text_delta").put("text", piece);
                        events.add(new Event("content_block_delta", delta));
                    }
                }
                case FakeReply.Block.Thinking thinking -> {
                    startBlock.putObject("content_block").put("type", "thinking").put("thinking", "").put("signature", "");
                    events.add(new Event("content_block_start", startBlock));
                    for (String piece : thinking.thinking().isEmpty() ? List.<String>of() : pieces(thinking.thinking(), 16)) {
                        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                        delta.putObject("delta").put("type", "thinking_delta").put("thinking", piece);
                        events.add(new Event("content_block_delta", delta));
                    }
                    ObjectNode signed = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                    signed.putObject("delta").put("type", "signature_delta")
                            .put("signature", signature(request.json(), request.json().path("messages").size(), thinking.thinking()));
                    events.add(new Event("content_block_delta", signed));
                }
                case FakeReply.Block.ToolUse use -> {
                    ObjectNode content = startBlock.putObject("content_block");
                    content.put("type", "tool_use").put("id", use.id()).put("name", use.name()).putObject("input");
                    events.add(new Event("content_block_start", startBlock));
                    for (String piece : pieces(use.inputJson(), Math.max(1, use.inputJson().length() / 3 + 1))) {
                        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                        delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                        events.add(new Event("content_block_delta", delta));
                    }
                }
            }
            events.add(new Event("content_block_stop",
                    JSON.createObjectNode().put("type", "content_block_stop").put("index", index)));
        }
        ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", answer.stopReasonOrDefault()).putNull("stop_sequence");
        delta.set("usage", usageJson(usage));
        events.add(new Event("message_delta", delta));
        events.add(new Event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return events;
    }

    /** The whole answer as the non-streaming API returns it. */
    private ObjectNode message(RecordedRequest request, FakeReply.Answer answer) {
        ObjectNode message = message(request, answer, usage(request, answer));
        ArrayNode content = message.putArray("content");
        for (FakeReply.Block block : answer.content()) {
            switch (block) {
                case FakeReply.Block.Text text -> content.addObject().put("type", "text").put("text", text.text());
                case FakeReply.Block.Thinking thinking -> content.addObject().put("type", "thinking")
                        .put("thinking", thinking.thinking())
                        .put("signature", signature(request.json(), request.json().path("messages").size(), thinking.thinking()));
                case FakeReply.Block.ToolUse use -> content.addObject().put("type", "tool_use").put("id", use.id())
                        .put("name", use.name()).set("input", parse(use.inputJson()));
            }
        }
        message.put("stop_reason", answer.stopReasonOrDefault());
        message.putNull("stop_sequence");
        return message;
    }

    private static ObjectNode message(RecordedRequest request, FakeReply.Answer answer, FakeUsage usage) {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", "msg_fake_" + request.sequence());
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", answer.model().orElse(request.json().path("model").asText()));
        message.set("usage", usageJson(usage));
        return message;
    }

    private FakeUsage usage(RecordedRequest request, FakeReply.Answer answer) {
        if (answer.usage().isPresent()) {
            return answer.usage().get();
        }
        long output = answer.content().stream().mapToLong(block -> switch (block) {
            case FakeReply.Block.Text text -> PromptCache.tokens(text.text());
            // Omitted thinking is still billed as output; a fixed amount stands for it.
            case FakeReply.Block.Thinking thinking -> 40 + PromptCache.tokens(thinking.thinking());
            case FakeReply.Block.ToolUse use -> PromptCache.tokens(use.inputJson());
        }).sum();
        return cache.account(request.json()).withOutput(output);
    }

    private static ObjectNode usageJson(FakeUsage usage) {
        ObjectNode json = JSON.createObjectNode();
        json.put("input_tokens", usage.input());
        json.put("cache_creation_input_tokens", usage.cacheWrite());
        json.put("cache_read_input_tokens", usage.cacheRead());
        json.putObject("cache_creation")
                .put("ephemeral_5m_input_tokens", usage.cacheWrite5m())
                .put("ephemeral_1h_input_tokens", usage.cacheWrite1h());
        json.put("output_tokens", usage.output());
        json.put("service_tier", "standard");
        return json;
    }

    private static List<String> pieces(String text, int size) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        if (pieces.isEmpty()) {
            pieces.add("");
        }
        return pieces;
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** Thrown out of the handler to drop the connection mid-stream. */
    private static final class ConnectionCut extends RuntimeException {
        ConnectionCut() {
            super("connection cut on purpose", null, false, false);
        }
    }
}
