package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.kleiber.conductor.Turns.JSON;
import static org.assertj.core.api.Assertions.assertThat;

class AnswerBlockedToolTest {
    private static final Set<String> ROLES = Set.copyOf(Roles.BLUEPRINT);
    private static final Plan PLAN = new PlanFileParser(new SafeYaml(), ROLES).parse("""
            tasks:
              - id: quote
                title: Quote
                agent: engineer-backend
                description: Quote a price with shipping.
                acceptance: [quotes]
                priority: p1
                model: sonnet
              - id: docs
                title: Docs
                agent: scribe
                description: Document quotes.
                acceptance: [documented]
                depends_on: [quote]
                priority: p2
            """, "plan.yaml");

    private final AnswerBlockedTool tool = new AnswerBlockedTool(ROLES);

    @Test
    void aRePlanRevisesTheTaskAddsItsDependencyAndKeepsTheOldDescriptionAndTier() {
        ObjectNode input = answer("replan", "It needs a formatter first.");
        input.putObject("revised_task").put("description", "Quote in dollars using currency.js.");
        ObjectNode added = input.putArray("new_tasks").addObject();
        added.put("id", "currency").put("title", "Currency").put("agent", "engineer-backend")
                .put("description", "Add currency.js.").put("priority", "p1");
        added.putArray("acceptance").add("formats dollars");
        added.putArray("depends_on");

        AnswerBlockedTool.Parsed parsed = tool.parse(input, PLAN, "quote", Tier.OPUS);

        assertThat(parsed.problems()).isEmpty();
        BlockedAnswer.Replan replan = (BlockedAnswer.Replan) parsed.answer().orElseThrow();
        assertThat(replan.revised()).isTrue();
        assertThat(replan.added()).containsExactly("currency");
        PlannedTask quote = replan.plan().task("quote").orElseThrow();
        assertThat(quote.description()).isEqualTo("Quote in dollars using currency.js.");
        assertThat(quote.dependsOn()).containsExactly("currency");
        assertThat(quote.context().orElseThrow()).contains("Before re-planning, the description was: Quote a price with shipping.");
        assertThat(quote.model()).contains(Tier.OPUS);
        assertThat(replan.plan().task("docs").orElseThrow().dependsOn()).containsExactly("quote");
    }

    @Test
    void aRePlanThatWouldMakeACycleOrReuseAnIdIsRefusedWithEveryProblemNamed() {
        ObjectNode input = answer("replan", "Add tasks.");
        ObjectNode cycle = input.putArray("new_tasks").addObject();
        cycle.put("id", "docs").put("title", "Again").put("agent", "scribe").put("description", "x").put("priority", "p1");
        cycle.putArray("acceptance").add("y");
        cycle.putArray("depends_on").add("quote");

        AnswerBlockedTool.Parsed parsed = tool.parse(input, PLAN, "quote", Tier.SONNET);

        assertThat(parsed.answer()).isEmpty();
        assertThat(String.join("\n", parsed.problems())).contains("docs");
    }

    @Test
    void escalationNeedsWhatWasLearntAndCannotGoPastOpus() {
        assertThat(tool.parse(answer("escalate", "Hard."), PLAN, "quote", Tier.SONNET).problems())
                .singleElement().asString().contains("learnt");
        assertThat(tool.parse(answer("escalate", "Hard.").put("learnt", "x"), PLAN, "quote", Tier.OPUS).problems())
                .singleElement().asString().contains("already runs on opus");
        assertThat(tool.parse(answer("escalate", "Hard.").put("learnt", "The rounding is subtle."), PLAN, "quote",
                Tier.SONNET).answer()).contains(new BlockedAnswer.Escalate("Hard.", "The rounding is subtle."));
    }

    @Test
    void askingAPersonNeedsAQuestionAndUnknownDecisionsOrFieldsAreNamed() {
        assertThat(tool.parse(answer("ask_human", "Business call."), PLAN, "quote", Tier.SONNET).problems())
                .singleElement().asString().contains("question");
        assertThat(tool.parse(answer("ask_human", "Business call.").put("question", "Which carrier?"), PLAN, "quote",
                Tier.SONNET).answer()).contains(new BlockedAnswer.AskHuman("Business call.", "Which carrier?"));
        assertThat(tool.parse(answer("guess", "").put("colour", "red"), PLAN, "quote", Tier.SONNET).problems())
                .anyMatch(p -> p.contains("unknown property 'colour'"))
                .anyMatch(p -> p.contains("'decision' must be one of"))
                .anyMatch(p -> p.contains("'reason'"));
        assertThat(tool.parse(answer("replan", "Nothing to change."), PLAN, "quote", Tier.SONNET).problems())
                .singleElement().asString().contains("revised_task' or 'new_tasks'");
    }

    @Test
    void theSchemaOffersTheThreeDecisionsAndThePlanTaskFormatForNewTasks() {
        ObjectNode schema = tool.inputSchema();
        assertThat(schema.path("properties").path("decision").path("enum").toString())
                .contains("replan").contains("escalate").contains("ask_human");
        assertThat(schema.path("properties").path("new_tasks").path("items").path("properties").has("depends_on")).isTrue();
        assertThat(schema.path("required").toString()).contains("decision").contains("reason");
    }

    private static ObjectNode answer(String decision, String reason) {
        return JSON.createObjectNode().put("decision", decision).put("reason", reason);
    }
}
