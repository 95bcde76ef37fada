package dev.kleiber.plan;

import dev.kleiber.protocol.Priority;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.plan.DraftTask.Located;
import dev.kleiber.plan.DraftTask.Where;
import dev.kleiber.routing.Tier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The planner's {@code submit_plan} tool: its JSON schema, and the reading of its input into a {@link Plan}
 * with the same checks as a plan file. Problems name the task by position and id ("task 3 'auth-login'")
 * so that the planner can be told exactly what to fix.
 */
public final class SubmitPlanTool {
    public static final String NAME = "submit_plan";
    public static final String DESCRIPTION = "Submit the plan: the tasks that together fulfil the request, each "
            + "for one agent role, with acceptance criteria a validator can check, the ids of the tasks it "
            + "depends on, and the files it expects to touch. Call this exactly once.";
    /** A plan file's keys but {@code runner}: who runs a task (and on whose bill) is a person's choice, not the planner's. */
    private static final Set<String> KEYS = PlanFileParser.TASK_KEYS.stream().filter(key -> !key.equals("runner"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Set<String> roles;
    private final RoleScopes scopes;

    public SubmitPlanTool(Set<String> roles) {
        this(RoleScopes.unchecked(roles));
    }

    /** Also refuses a task whose {@code files} its agent may not write, when the agent's write globs are known. */
    public SubmitPlanTool(RoleScopes scopes) {
        this.roles = scopes.roles();
        this.scopes = scopes;
    }

    /** The tool's {@code input_schema}: an object with a {@code tasks} array. */
    public ObjectNode inputSchema() {
        ObjectNode task = JSON.objectNode().put("type", "object");
        ObjectNode properties = task.putObject("properties");
        properties.set("id", string("Unique task id: " + TaskIds.RULE + ".")
                .put("pattern", "^[a-z][a-z0-9]*(-[a-z0-9]+)*$").put("maxLength", TaskIds.MAX_LENGTH));
        properties.set("title", string("A short imperative title, one line.")
                .put("maxLength", PlanAssembler.MAX_TITLE_LENGTH));
        properties.set("agent", enumOf(new TreeSet<>(roles).stream(), "The role that does the task."));
        properties.set("description", string("What to build, for the agent: given to it verbatim."));
        properties.set("acceptance", strings("Acceptance criteria, one checkable line each.").put("minItems", 1));
        properties.set("context", string("Relevant background and links to related tasks."));
        properties.set("constraints", string("What not to do; files not to touch."));
        properties.set("depends_on", strings("Ids of the tasks that must be merged before this one starts."));
        properties.set("priority", enumOf(Stream.of(Priority.values()).map(Priority::id),
                "p0 is the most urgent; p1 is the usual."));
        properties.set("model", enumOf(Stream.of(Tier.OPUS, Tier.SONNET, Tier.HAIKU).map(Tier::id),
                "Suggested model; the routing policy may raise it."));
        properties.set("files", strings("Paths relative to the repository root the task expects to create or change."));
        properties.set("risk", string("A risk category when the task changes sensitive code (auth, payments, crypto, "
                + "secrets, personal-data): a person reviews it, whatever the routing policy says."));
        ArrayNode required = task.putArray("required");
        Stream.of("id", "title", "agent", "description", "acceptance", "depends_on", "priority").forEach(required::add);
        task.put("additionalProperties", false);

        ObjectNode schema = JSON.objectNode().put("type", "object");
        ObjectNode tasks = schema.putObject("properties").putObject("tasks");
        tasks.put("type", "array").put("minItems", 1).put("description", "The tasks, in any order.");
        tasks.set("items", task);
        schema.putArray("required").add("tasks");
        schema.put("additionalProperties", false);
        return schema;
    }

    /** The plan in the tool call's {@code input}, or an {@link InvalidPlanException} listing every problem. */
    public Plan parse(JsonNode input) {
        PlanAssembler assembler = new PlanAssembler(scopes);
        Where top = new Where(NAME, 0, NAME);
        List<DraftTask> drafts = new ArrayList<>();
        if (!input.isObject()) {
            assembler.problem(top, "the input must be an object with a 'tasks' array");
            return assembler.assemble(drafts);
        }
        input.fieldNames().forEachRemaining(name -> {
            if (!name.equals("tasks")) {
                assembler.problem(top, "unknown property '" + name + "'; the input has only 'tasks'");
            }
        });
        JsonNode tasks = input.path("tasks");
        if (!tasks.isArray() || tasks.isEmpty()) {
            assembler.problem(top, "'tasks' must be a non-empty array of tasks");
            return assembler.assemble(drafts);
        }
        for (int i = 0; i < tasks.size(); i++) {
            JsonNode task = tasks.get(i);
            String idText = task.path("id").isTextual() ? " '" + task.path("id").asText() + "'" : "";
            Where where = new Where("task " + (i + 1) + idText, i + 1, "task " + (i + 1));
            if (!task.isObject()) {
                assembler.problem(where, "each task must be an object; found " + task.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
                continue;
            }
            drafts.add(draft(task, where, assembler));
        }
        return assembler.assemble(drafts);
    }

    private static DraftTask draft(JsonNode task, Where where, PlanAssembler assembler) {
        Map<String, Located> texts = new HashMap<>();
        Map<String, List<Located>> lists = new HashMap<>();
        Set<String> malformed = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = task.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            int before = assembler.problemCount();
            if (!KEYS.contains(key)) {
                assembler.problem(where, "unknown property '" + key + "'; expected one of " + String.join(", ",
                        new TreeSet<>(KEYS)));
            } else if (value.isNull()) {
                // Absent, as in YAML.
            } else if (key.equals("acceptance") || key.equals("depends_on") || key.equals("files")) {
                lists.put(key, strings(key, value, where, assembler));
            } else if (value.isTextual()) {
                texts.put(key, new Located(value.asText(), where));
            } else if ((key.equals("context") || key.equals("constraints")) && value.isArray()) {
                // As in a plan file, a list of texts becomes bullet lines.
                texts.put(key, new Located(String.join("\n", strings(key, value, where, assembler).stream()
                        .map(item -> "- " + item.value().strip()).toList()), where));
            } else {
                assembler.problem(where, "'" + key + "' must be a string; found " + value);
            }
            if (assembler.problemCount() > before) {
                malformed.add(key);
            }
        }
        return new DraftTask(where, texts, lists, malformed, Map.of());
    }

    private static List<Located> strings(String key, JsonNode value, Where where, PlanAssembler assembler) {
        if (!value.isArray()) {
            assembler.problem(where, "'" + key + "' must be an array of strings");
            return List.of();
        }
        List<Located> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (item.isTextual()) {
                items.add(new Located(item.asText(), where));
            } else {
                assembler.problem(where, "each item of '" + key + "' must be a string; found " + item);
            }
        }
        return items;
    }

    private static ObjectNode string(String description) {
        return JSON.objectNode().put("type", "string").put("description", description);
    }

    private static ObjectNode strings(String description) {
        ObjectNode node = JSON.objectNode().put("type", "array").put("description", description);
        node.putObject("items").put("type", "string");
        return node;
    }

    private static ObjectNode enumOf(Stream<String> values, String description) {
        ObjectNode node = string(description);
        values.forEach(node.putArray("enum")::add);
        return node;
    }
}
