package dev.kleiber.plan;

import dev.kleiber.protocol.Priority;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SubmitPlanToolTest {
    private final ObjectMapper json = new ObjectMapper();
    private final SubmitPlanTool tool = new SubmitPlanTool(Set.copyOf(Roles.BLUEPRINT));

    @Test
    void theSchemaDescribesEveryTaskFieldAndOnlyThose() {
        ObjectNode schema = tool.inputSchema();
        JsonNode task = schema.at("/properties/tasks/items");

        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactly("tasks");
        List<String> properties = new ArrayList<>();
        task.path("properties").fieldNames().forEachRemaining(properties::add);
        // a plan file's keys but runner: who runs a task is a person's choice, not the planner's
        assertThat(properties).containsExactlyInAnyOrderElementsOf(PlanFileParser.TASK_KEYS.stream()
                .filter(key -> !key.equals("runner")).toList());
        assertThat(task.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(task.path("required")).extracting(JsonNode::asText)
                .contains("id", "title", "agent", "description", "acceptance", "depends_on", "priority");
        assertThat(task.at("/properties/agent/enum")).extracting(JsonNode::asText)
                .containsExactly("architect", "conductor", "engineer-backend", "engineer-frontend", "scribe", "validator");
        assertThat(task.at("/properties/model/enum")).extracting(JsonNode::asText).containsExactly("opus", "sonnet", "haiku");
        assertThat(task.at("/properties/priority/enum")).extracting(JsonNode::asText).containsExactly("p0", "p1", "p2");
        assertThat(task.at("/properties/id/pattern").asText()).isEqualTo("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
        assertThat(task.at("/properties/acceptance/minItems").asInt()).isEqualTo(1);
        assertThat(SubmitPlanTool.NAME).isEqualTo("submit_plan");
    }

    @Test
    void aToolCallGivesTheSamePlanAsTheSameTasksInAFile() throws IOException {
        String yaml = Files.readString(Path.of("examples/plan.yaml"));
        Plan fromFile = new PlanFileParser(new SafeYaml(), Set.copyOf(Roles.BLUEPRINT)).parse(yaml, "examples/plan.yaml");
        JsonNode input = new YAMLMapper().readTree(yaml);

        assertThat(tool.parse(input)).isEqualTo(fromFile);
    }

    @Test
    void readsAToolCall() throws IOException {
        Plan plan = tool.parse(json.readTree("""
                {"tasks": [
                  {"id": "types", "title": "Generate types", "agent": "engineer-frontend",
                   "description": "From the schema.", "acceptance": ["tsc passes"], "depends_on": [],
                   "priority": "p2", "model": "haiku", "files": ["src/types.ts"], "context": null}
                ]}"""));

        PlannedTask task = plan.tasks().getFirst();
        assertThat(task.model()).contains(Tier.HAIKU);
        assertThat(task.priority()).isEqualTo(Priority.P2);
        assertThat(task.files()).containsExactly("src/types.ts");
        assertThat(task.context()).isEmpty();
    }

    @Test
    void problemsNameTheTaskByPositionAndId() throws IOException {
        assertThat(problems("""
                {"tasks": [
                  {"id": "a", "title": "A", "agent": "engineer-backend", "description": "d", "acceptance": ["x"],
                   "depends_on": ["c"], "priority": "p1"},
                  {"id": "b", "title": "B", "agent": "designer", "description": "", "acceptance": ["x"],
                   "depends_on": ["a", "ghost"], "priority": "high", "model": "gpt", "estimate": 3},
                  {"id": "c", "title": "C", "agent": "scribe", "description": "d", "acceptance": ["x"],
                   "depends_on": ["a"], "priority": "p1"},
                  {"id": "a", "title": 7, "agent": "scribe", "description": "d", "acceptance": "x"}
                ],
                 "notes": "hi"}""")).containsExactly(
                "submit_plan: unknown property 'notes'; the input has only 'tasks'",
                "task 1 'a': id 'a' is used again at task 4",
                "task 1 'a': dependency cycle: a → c → a (each depends on the next)",
                "task 2 'b': unknown property 'estimate'; expected one of acceptance, agent, constraints, context, "
                        + "depends_on, description, files, id, model, priority, risk, title",
                "task 2 'b': agent 'designer' is not a known role; expected one of architect, conductor, "
                        + "engineer-backend, engineer-frontend, scribe, validator",
                "task 2 'b': 'description' is required and must not be empty",
                "task 2 'b': priority must be one of p0, p1, p2; found 'high'",
                "task 2 'b': model must be one of opus, sonnet, haiku; found 'gpt'",
                "task 2 'b': depends_on 'ghost' is not a task in this plan",
                "task 4 'a': 'title' must be a string; found 7",
                "task 4 'a': 'acceptance' must be an array of strings",
                "task 4 'a': duplicate id 'a' (first at task 1)");
    }

    @Test
    void theShapeOfTheInputIsChecked() throws IOException {
        assertThat(problems("[]")).containsExactly("submit_plan: the input must be an object with a 'tasks' array");
        assertThat(problems("{\"tasks\": []}")).containsExactly("submit_plan: 'tasks' must be a non-empty array of tasks");
        assertThat(problems("{\"tasks\": [\"a\"]}")).containsExactly("task 1: each task must be an object; found string");
    }

    private List<String> problems(String input) throws IOException {
        try {
            tool.parse(json.readTree(input));
        } catch (InvalidPlanException e) {
            return e.problems().stream().map(PlanProblem::toString).toList();
        }
        throw new AssertionError("the plan was accepted");
    }
}
