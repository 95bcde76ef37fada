package dev.kleiber.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordedRequest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The models of a whole {@code kleiber run "REQUEST"} answered over the wire by the fake Messages API: the conductor
 * submits {@code plan}, the architect approves it, every blocked file becomes a question for a person, and each task
 * gets its scripted turns in order (told apart by the "# Task:" heading of its first message). A request it did not
 * expect is answered 400 and kept in {@link #unexpected()}. Every answer reports {@code usage}.
 */
public final class FakeApiRun {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TASK_HEADING = Pattern.compile("(?m)^# Task: (\\S+)");

    /** The blocked-file question every run of these tests leaves for a person. */
    public static final String QUESTION = "Which carrier's rate table should shipping use?";

    private final String plan;
    private final FakeUsage usage;
    private final Map<String, Deque<FakeReply>> turns = new ConcurrentHashMap<>();
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

    /** @param plan the conductor's {@code submit_plan} input, as JSON */
    public FakeApiRun(String plan, FakeUsage usage) {
        this.plan = plan;
        this.usage = usage;
    }

    /** {@code task}'s turns, answered in this order. */
    public FakeApiRun turns(String task, FakeReply... replies) {
        turns.put(task, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    /** The responder for {@link dev.kleiber.llm.fake.FakeMessagesApi#respondWith}. */
    public FakeReply answer(RecordedRequest request) {
        List<String> tools = new ArrayList<>();
        request.json().path("tools").forEach(t -> tools.add(t.path("name").asText()));
        if (tools.contains("submit_plan")) {
            return tool("submit_plan", plan);
        }
        if (tools.contains("answer_blocked")) {
            return tool("answer_blocked", JSON.createObjectNode().put("decision", "ask_human")
                    .put("reason", "Only the business can choose.").put("question", QUESTION).toString());
        }
        if (tools.contains("review_plan")) {
            return tool("review_plan", "{\"approved\":true,\"feedback\":\"Small tasks, clear dependencies.\"}");
        }
        Deque<FakeReply> queue = turns.get(taskOf(request));
        FakeReply next = queue == null ? null : queue.poll();
        if (next == null) {
            unexpected.add(request.body());
            return FakeReply.error(400, "invalid_request_error", "the test did not expect this request");
        }
        return next;
    }

    /** The bodies of the requests no script line answered: empty when the run asked only what the test expected. */
    public List<String> unexpected() {
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }

    /** The task a request works on, by the "# Task:" heading of its first message; empty for the conductor's calls. */
    public static String taskOf(RecordedRequest request) {
        JsonNode first = request.json().path("messages").path(0).path("content");
        String text = first.isTextual() ? first.asText() : first.path(0).path("text").asText();
        Matcher task = TASK_HEADING.matcher(text);
        return task.find() ? task.group(1) : "";
    }

    /** One turn of an agent: optional text, then tool calls ({@link #call} and its shortcuts). */
    public FakeReply say(String text, ObjectNode... calls) {
        List<FakeReply.Block> blocks = new ArrayList<>();
        if (!text.isEmpty()) {
            blocks.add(FakeReply.text(text));
        }
        int n = 0;
        for (ObjectNode call : calls) {
            blocks.add(FakeReply.toolUse("toolu_" + Math.abs(call.hashCode()) + "_" + n++, call.path("name").asText(),
                    call.path("input").toString()));
        }
        return FakeReply.answer(blocks.toArray(FakeReply.Block[]::new)).withUsage(usage);
    }

    /**
     * The slugify story both wire tests tell: the first attempt forgets to lower-case, the sample's real tests fail,
     * the retry fixes it (four turns over two attempts).
     */
    public FakeReply[] slugifyFixedOnRetry() {
        return new FakeReply[] {
                say("I will add src/services/slugify.js and its test.",
                        write("src/services/slugify.js", "export function slugify(title) {\n"
                                + "  return title.trim().replace(/[^A-Za-z0-9]+/g, '-');\n}\n"),
                        write("src/services/slugify.test.js", SLUGIFY_TEST)),
                say("", complete("Added slugify.")),
                say("The test shows I must lower-case.", write("src/services/slugify.js", "export function slugify(title) {\n"
                        + "  return title.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');\n}\n")),
                say("", complete("Added slugify, lower-casing titles."))};
    }

    /** A model's turn that makes one tool {@code call} ({@link #write}, {@link #complete}, ...), with the fake's usage. */
    public static FakeReply reply(ObjectNode call) {
        return FakeReply.answer(FakeReply.toolUse("toolu_" + Integer.toHexString(call.hashCode()), call.path("name").asText(),
                call.path("input").toString()));
    }

    public static ObjectNode call(String name, ObjectNode input) {
        ObjectNode call = JSON.createObjectNode().put("name", name);
        call.set("input", input);
        return call;
    }

    public static ObjectNode write(String path, String content) {
        return call("write_file", JSON.createObjectNode().put("path", path).put("content", content));
    }

    public static ObjectNode complete(String summary, String... decisions) {
        ObjectNode input = JSON.createObjectNode().put("summary", summary);
        var list = input.putArray("decisions");
        for (String decision : decisions) {
            list.add(decision);
        }
        return call("complete_task", input);
    }

    public static ObjectNode blocked(String problem) {
        return call("report_blocked", JSON.createObjectNode().put("type", "unclear_requirements").put("problem", problem)
                .put("need", "Name the carrier and where its rate table lives"));
    }

    private FakeReply tool(String name, String inputJson) {
        return FakeReply.answer(FakeReply.toolUse("toolu_" + name + "_" + Math.abs(inputJson.hashCode()), name, inputJson))
                .withUsage(usage);
    }

    private static final String SLUGIFY_TEST = """
            import { test } from 'node:test';
            import assert from 'node:assert/strict';
            import { slugify } from './slugify.js';

            test('slugify lower-cases and joins words with hyphens', () => {
              assert.equal(slugify(' The Name of the Wind '), 'the-name-of-the-wind');
            });
            """;
}
