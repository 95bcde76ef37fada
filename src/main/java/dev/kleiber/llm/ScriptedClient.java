package dev.kleiber.llm;

import com.anthropic.core.ObjectMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.KleiberException;
import dev.kleiber.ledger.CallBudget;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.CallResult;
import dev.kleiber.ledger.Reservation;
import dev.kleiber.ledger.TokenUsage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An {@link LlmClient} that replays a script of Messages API responses with no network, for the demo and
 * tests. The script is JSON Lines: each line is a response body exactly as the API returns it ({@code id},
 * {@code type}, {@code role}, {@code model}, {@code content}, {@code stop_reason}, {@code usage}), or an object
 * {@code {"key": ..., "response": {...}}} that files the response under a script key. Blank lines and lines
 * starting with {@code #} are skipped.
 *
 * <p>Each key is its own queue, replayed in file order, so agents running in parallel each get their own
 * sequence whatever the scheduling. A call takes from the first of these keys that the script uses at all:
 * {@code {agent}/{taskId}}, {@code {taskId}}, {@code {agent}}, else the unkeyed responses. So a conductor
 * calling with agent {@code conductor} reads the {@code conductor} queue and the worker on task
 * {@code feat-001} reads {@code feat-001}.
 *
 * <p>Every answer says it is scripted: {@link LlmResponse#scripted()} is true and the answered model id is
 * the requested one followed by {@link #MARKER} (the requested one, so that routing and escalation decide the
 * price, as they would for real). Calls reserve and settle through the {@link CallBudget} like real ones, so the
 * ledger and the budget guard run for real; the usage billed is the script's.
 */
public final class ScriptedClient implements LlmClient {

    /** Ends the model id of every scripted answer, e.g. {@code claude-sonnet-4-5+scripted}. */
    public static final String MARKER = "+scripted";

    private static final String UNKEYED = "";

    private final String scriptName;
    private final Map<String, Deque<Entry>> queues;
    private final CallBudget budget;

    private record Entry(int line, com.anthropic.models.messages.Message message) {
    }

    private ScriptedClient(String scriptName, Map<String, Deque<Entry>> queues, CallBudget budget) {
        this.scriptName = scriptName;
        this.queues = queues;
        this.budget = budget;
    }

    /** @throws KleiberException naming the file and line of the first entry that is not a response */
    public static ScriptedClient load(Path script, CallBudget budget) {
        try {
            return parse(script.toString(), Files.readString(script, StandardCharsets.UTF_8), budget);
        } catch (IOException e) {
            throw KleiberException.badInput("cannot read the model script " + script + ": " + e.getMessage());
        }
    }

    /** @param scriptName how error messages and request ids name the script, e.g. its file name */
    public static ScriptedClient parse(String scriptName, String text, CallBudget budget) {
        Map<String, Deque<Entry>> queues = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int number = i + 1;
            JsonNode node = readJson(scriptName, number, line);
            String key = UNKEYED;
            JsonNode body = node;
            if (node.has("response")) {
                JsonNode keyNode = node.path("key");
                if (!keyNode.isTextual() || keyNode.asText().isBlank()) {
                    throw bad(scriptName, number, "an entry with \"response\" needs a non-empty string \"key\"");
                }
                key = keyNode.asText();
                body = node.path("response");
            }
            queues.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Entry(number, message(scriptName, number, body)));
        }
        if (queues.isEmpty()) {
            throw KleiberException.badInput(scriptName + ": the model script has no responses");
        }
        return new ScriptedClient(scriptName, queues, budget);
    }

    @Override
    public LlmResponse send(CallContext context, LlmRequest request, StreamListener listener) {
        String key = keyFor(context);
        long inputBound = RequestMapper.reservedInputTokens(request, RequestMapper.toParams(request));
        Reservation reservation;
        try {
            reservation = budget.reserve(context, request.model(), inputBound, request.maxTokens());
        } catch (dev.kleiber.ledger.UnknownPriceException e) {
            LlmFailure.Unpriced unpriced = new LlmFailure.Unpriced(request.model());
            throw new LlmCallException(ModelOrigin.stopMessage(unpriced, context.tier(), describe(context),
                    ModelOrigin.KLEIBER_YAML), KleiberException.BAD_INPUT, unpriced, 0);
        }
        String answeredModel = request.model() + MARKER;
        Optional<Entry> entry = next(key);
        if (entry.isEmpty()) {
            budget.settle(reservation, new CallResult(answeredModel, TokenUsage.NONE, CallOutcome.ERROR, Optional.empty()));
            throw KleiberException.failed("%s has no more scripted responses for %s (script key '%s'); the script does not cover this run."
                    .formatted(scriptName, describe(context), key.isEmpty() ? "unkeyed" : key));
        }
        Optional<String> requestId = Optional.of("scripted:" + scriptName + ":" + entry.get().line());
        LlmResponse response = ResponseMapper.toResponse(entry.get().message(), answeredModel, requestId, true);
        budget.settle(reservation, new CallResult(answeredModel, response.usage(), CallOutcome.OK, requestId));
        response.content().forEach(block -> {
            if (block instanceof ContentBlock.Text text) {
                listener.onText(text.text());
            }
        });
        return response;
    }

    /** How many responses are left under each key; all zero once a run used the whole script. */
    public Map<String, Integer> remaining() {
        Map<String, Integer> left = new LinkedHashMap<>();
        queues.forEach((key, queue) -> {
            synchronized (queue) {
                left.put(key.isEmpty() ? "(unkeyed)" : key, queue.size());
            }
        });
        return left;
    }

    /** The first key the script uses of: agent/task, task, agent, and unkeyed. */
    String keyFor(CallContext context) {
        String task = context.taskId() == null ? "" : context.taskId();
        String agent = context.agent() == null ? "" : context.agent();
        return Stream.of(agent + "/" + task, task, agent)
                .filter(k -> !k.isBlank() && !k.startsWith("/") && !k.endsWith("/"))
                .filter(queues::containsKey)
                .findFirst()
                .orElse(UNKEYED);
    }

    private Optional<Entry> next(String key) {
        Deque<Entry> queue = queues.get(key);
        if (queue == null) {
            return Optional.empty();
        }
        synchronized (queue) {
            return Optional.ofNullable(queue.poll());
        }
    }

    private static String describe(CallContext context) {
        return (context.taskId() == null || context.taskId().isBlank() ? "" : "task " + context.taskId() + ", ")
                + "agent " + context.agent();
    }

    private static JsonNode readJson(String scriptName, int line, String text) {
        try {
            JsonNode node = ObjectMappers.jsonMapper().readTree(text);
            if (!node.isObject()) {
                throw bad(scriptName, line, "expected a JSON object, found " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw bad(scriptName, line, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static com.anthropic.models.messages.Message message(String scriptName, int line, JsonNode body) {
        if (!"message".equals(body.path("type").asText())) {
            throw bad(scriptName, line, "expected a Messages API response with \"type\": \"message\"");
        }
        for (String field : List.of("id", "role", "model", "content", "stop_reason", "usage")) {
            if (!body.has(field)) {
                throw bad(scriptName, line, "the response has no \"" + field + "\"");
            }
        }
        com.anthropic.models.messages.Message message;
        try {
            message = ObjectMappers.jsonMapper().treeToValue(body, com.anthropic.models.messages.Message.class);
            message.validate();
        } catch (JsonProcessingException | RuntimeException e) {
            throw bad(scriptName, line, "not a valid Messages API response (" + e.getMessage() + ")");
        }
        try {
            ResponseMapper.toResponse(message, "check", Optional.empty(), true);
        } catch (RuntimeException e) {
            throw bad(scriptName, line, e.getMessage());
        }
        return message;
    }

    private static KleiberException bad(String scriptName, int line, String what) {
        return KleiberException.badInput(scriptName + " line " + line + ": " + what);
    }
}
