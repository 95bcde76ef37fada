package dev.kleiber.conductor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kleiber.plan.InvalidPlanException;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlanProblem;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.SubmitPlanTool;
import dev.kleiber.routing.Tier;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The conductor's {@code answer_blocked} tool: its JSON schema, and the reading of its input into a
 * {@link BlockedAnswer}. A re-plan is checked like a plan: the run's plan with the task revised and the new
 * tasks added must still be a valid plan (known agents, no duplicate id, no cycle), and every problem is
 * named so the conductor can fix its answer. Pure: no I/O.
 */
final class AnswerBlockedTool {
    static final String NAME = "answer_blocked";
    static final String DESCRIPTION = "Answer a blocked task. decision 'replan': revise the task (revised_task) "
            + "and/or add tasks it needs first (new_tasks; the blocked task then depends on them); the task goes back "
            + "to the queue. 'escalate': restart it on Opus, with 'learnt' summarising what the attempts found out. "
            + "'ask_human': only a person can answer; put the exact question in 'question'. Call this exactly once.";
    private static final Set<String> DECISIONS = Set.of("replan", "escalate", "ask_human");
    private static final Set<String> KEYS = Set.of("decision", "reason", "revised_task", "new_tasks", "learnt", "question");
    private static final Set<String> REVISION_KEYS = Set.of("description", "acceptance", "context", "constraints");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The answer, or what is wrong with the input (never both). */
    record Parsed(Optional<BlockedAnswer> answer, List<String> problems) {
        public Parsed {
            problems = List.copyOf(problems);
        }

        static Parsed problems(List<String> problems) {
            return new Parsed(Optional.empty(), problems);
        }
    }

    private final SubmitPlanTool submit;

    AnswerBlockedTool(Set<String> roles) {
        this.submit = new SubmitPlanTool(roles);
    }

    ObjectNode inputSchema() {
        ObjectNode schema = JSON.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ObjectNode decision = properties.putObject("decision").put("type", "string")
                .put("description", "replan, escalate or ask_human");
        DECISIONS.stream().sorted().forEach(decision.putArray("enum")::add);
        properties.putObject("reason").put("type", "string")
                .put("description", "Why this answer, in a sentence or two; it is logged and written into the blocked file.");
        ObjectNode revised = properties.putObject("revised_task").put("type", "object")
                .put("description", "For replan: the fields of the blocked task to replace (title, agent and id stay).");
        ObjectNode revisedProperties = revised.putObject("properties");
        revisedProperties.putObject("description").put("type", "string").put("description", "The new description, given to the agent verbatim.");
        ObjectNode acceptance = revisedProperties.putObject("acceptance").put("type", "array");
        acceptance.putObject("items").put("type", "string");
        revisedProperties.putObject("context").put("type", "string");
        revisedProperties.putObject("constraints").put("type", "string");
        revised.put("additionalProperties", false);
        ObjectNode tasks = properties.putObject("new_tasks").put("type", "array")
                .put("description", "For replan: tasks to add to the run (e.g. a missing dependency), in the plan's "
                        + "task format; they are routed like every task and the blocked task waits for them.");
        tasks.set("items", submit.inputSchema().path("properties").path("tasks").path("items").deepCopy());
        properties.putObject("learnt").put("type", "string")
                .put("description", "For escalate: what the attempts so far found out, for the stronger model.");
        properties.putObject("question").put("type", "string")
                .put("description", "For ask_human: the question a person must answer.");
        schema.putArray("required").add("decision").add("reason");
        schema.put("additionalProperties", false);
        return schema;
    }

    /**
     * Reads {@code input} as the answer for task {@code taskId} of {@code plan}, which now runs on {@code tier}.
     */
    Parsed parse(JsonNode input, Plan plan, String taskId, Tier tier) {
        List<String> problems = new ArrayList<>();
        if (!input.isObject()) {
            return Parsed.problems(List.of("the input must be an object with 'decision' and 'reason'"));
        }
        input.fieldNames().forEachRemaining(name -> {
            if (!KEYS.contains(name)) {
                problems.add("unknown property '" + name + "'; expected " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        });
        String decision = input.path("decision").asText("");
        String reason = input.path("reason").asText("").strip();
        if (!DECISIONS.contains(decision)) {
            problems.add("'decision' must be one of replan, escalate, ask_human; found '" + decision + "'");
        }
        if (reason.isEmpty()) {
            problems.add("'reason' must say why, in a sentence or two");
        }
        if (!problems.isEmpty()) {
            return Parsed.problems(problems);
        }
        return switch (decision) {
            case "escalate" -> {
                String learnt = input.path("learnt").asText("").strip();
                if (learnt.isEmpty()) {
                    yield Parsed.problems(List.of("escalate needs 'learnt': what the attempts found out"));
                }
                if (tier == Tier.OPUS) {
                    yield Parsed.problems(List.of(taskId + " already runs on opus; escalating cannot help. Choose "
                            + "replan or ask_human."));
                }
                yield answer(new BlockedAnswer.Escalate(reason, learnt));
            }
            case "ask_human" -> {
                String question = input.path("question").asText("").strip();
                yield question.isEmpty() ? Parsed.problems(List.of("ask_human needs 'question': what a person must answer"))
                        : answer(new BlockedAnswer.AskHuman(reason, question));
            }
            default -> replan(input, reason, plan, taskId, tier);
        };
    }

    private Parsed replan(JsonNode input, String reason, Plan plan, String taskId, Tier tier) {
        JsonNode revision = input.path("revised_task");
        JsonNode added = input.path("new_tasks");
        List<String> problems = new ArrayList<>();
        boolean revises = revision.isObject() && !revision.isEmpty();
        boolean adds = added.isArray() && !added.isEmpty();
        if (!revision.isMissingNode() && !revision.isNull() && !revision.isObject()) {
            problems.add("'revised_task' must be an object with any of description, acceptance, context, constraints");
        }
        if (!added.isMissingNode() && !added.isNull() && !added.isArray()) {
            problems.add("'new_tasks' must be an array of tasks");
        }
        if (!revises && !adds && problems.isEmpty()) {
            problems.add("replan needs 'revised_task' or 'new_tasks' (or both)");
        }
        if (revision.isObject()) {
            revision.fieldNames().forEachRemaining(name -> {
                if (!REVISION_KEYS.contains(name)) {
                    problems.add("revised_task: unknown property '" + name + "'; only description, acceptance, context "
                            + "and constraints may change");
                }
            });
        }
        if (!problems.isEmpty()) {
            return Parsed.problems(problems);
        }
        PlannedTask blocked = plan.task(taskId).orElseThrow(() -> new IllegalArgumentException("no task " + taskId));
        ArrayNode tasks = tasksOf(plan);
        List<String> newIds = new ArrayList<>();
        if (adds) {
            for (JsonNode task : added) {
                if (task.path("id").isTextual()) {
                    newIds.add(task.path("id").asText());
                }
                tasks.add(task.deepCopy());
            }
        }
        for (JsonNode task : tasks) {
            if (task.path("id").asText().equals(taskId)) {
                revise((ObjectNode) task, revises ? revision : JSON.objectNode(), blocked, reason, newIds, tier);
            }
        }
        ObjectNode whole = JSON.objectNode();
        whole.set("tasks", tasks);
        try {
            return answer(new BlockedAnswer.Replan(reason, submit.parse(whole), revises, newIds));
        } catch (InvalidPlanException e) {
            return Parsed.problems(e.problems().stream().map(PlanProblem::toString).toList());
        }
    }

    /**
     * Applies the revision. The description it replaces stays in the context, which keeps whatever made the
     * router force a tier or a review (routing reads the context too), and the task's model never drops below
     * the tier it runs on.
     */
    private static void revise(ObjectNode task, JsonNode revision, PlannedTask blocked, String reason,
                               List<String> newIds, Tier tier) {
        for (String key : REVISION_KEYS) {
            if (revision.has(key)) {
                task.set(key, revision.get(key).deepCopy());
            }
        }
        if (revision.has("description") || revision.has("acceptance")) {
            String context = revision.path("context").asText(blocked.context().orElse(""));
            task.put("context", (context.isBlank() ? "" : context.strip() + "\n\n")
                    + "Re-planned by the conductor after the task blocked: " + reason
                    + "\n\nBefore re-planning, the description was: " + blocked.description()
                    + "\nand the acceptance criteria: " + String.join("; ", blocked.acceptance()));
        }
        Set<String> dependsOn = new LinkedHashSet<>(blocked.dependsOn());
        dependsOn.addAll(newIds);
        ArrayNode deps = task.putArray("depends_on");
        dependsOn.forEach(deps::add);
        task.put("model", Tier.max(tier, blocked.model().orElse(Tier.HAIKU)).id());
    }

    /** The plan's tasks as {@code submit_plan} items: the plan-file and tool formats share their keys. */
    static ArrayNode tasksOf(Plan plan) {
        try {
            JsonNode root = YAML.readTree(new PlanFileWriter().write(plan));
            return (ArrayNode) root.path("tasks").deepCopy();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan written by PlanFileWriter did not read back as YAML", e);
        }
    }

    private static Parsed answer(BlockedAnswer answer) {
        return new Parsed(Optional.of(answer), List.of());
    }
}
