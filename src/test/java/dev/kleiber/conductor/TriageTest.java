package dev.kleiber.conductor;

import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.FileChange;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Event;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TriageTest {
    private final List<Event> events = new ArrayList<>();

    @Test
    void theConductorAnswersATaskTwiceThenAPersonDecidesAndAPersonsAnswerStartsTheCountAgain() {
        assertThat(Triage.route(BlockType.UNCLEAR_REQUIREMENTS, "t", events)).isEqualTo(Triage.Route.CONDUCTOR);
        answer("t", "replan: revised the task");
        answer("other", "replan: x");
        assertThat(Triage.route(BlockType.TECHNICAL, "t", events)).isEqualTo(Triage.Route.CONDUCTOR);
        answer("t", "escalate: escalated from sonnet to opus");
        assertThat(Triage.route(BlockType.TECHNICAL, "t", events)).isEqualTo(Triage.Route.PERSON);
        answer("t", "ask_human: Which carrier?");
        assertThat(Triage.openQuestion("t", events)).contains("Which carrier?");
        assertThat(Triage.route(BlockType.TECHNICAL, "t", events)).isEqualTo(Triage.Route.CONDUCTOR);
        answer("t", "replan: a person answered");
        assertThat(Triage.openQuestion("t", events)).isEmpty();
    }

    @Test
    void aMergeConflictGetsAResolutionUnlessItIsAResolutionThatConflicts() {
        assertThat(Triage.route(BlockType.MERGE_CONFLICT, "feat-1", events)).isEqualTo(Triage.Route.RESOLUTION);
        assertThat(Triage.route(BlockType.MERGE_CONFLICT, "resolve-feat-1", events)).isEqualTo(Triage.Route.PERSON);
    }

    @Test
    void theResolutionTaskNamesTheConflictAndTheOriginalWaitsForIt() {
        PlannedTask original = task("card-price", List.of("base"));
        Plan plan = new Plan(List.of(task("base", List.of()), original, task("resolve-card-price", List.of())));
        String id = Triage.resolutionId("card-price", plan);
        assertThat(id).isEqualTo("resolve-card-price-2");

        Plan resolved = Triage.withResolution(plan, original, id, "feature/card-price-card", List.of("src/a.js"), Tier.OPUS);

        PlannedTask resolution = resolved.task(id).orElseThrow();
        assertThat(resolution.agent()).isEqualTo(original.agent());
        assertThat(resolution.model()).contains(Tier.OPUS);
        assertThat(resolution.dependsOn()).containsExactly("base");
        assertThat(resolution.description()).contains("conflicted in: src/a.js").contains("feature/card-price-card")
                .contains("What card-price was asked to do: do card-price");
        assertThat(resolution.acceptance()).first().asString().contains("No conflict markers remain in src/a.js");
        assertThat(resolved.task("card-price").orElseThrow().dependsOn()).containsExactly("base", id);
        assertThat(Triage.resolutionId("x".repeat(60), plan)).hasSizeLessThanOrEqualTo(64).startsWith("resolve-");
    }

    @Test
    void whatAnEscalatingAttemptLearntNamesItsReasonApproachWorkAndRefusals() {
        String learnt = Triage.learnt(Tier.HAIKU, "The box sizes need a design.", Optional.of("I will add giftWrap.js."),
                List.of(new FileChange("src/frontend/giftWrap.js", FileChange.Change.CREATED)), Optional.of("0123456789abcdef"),
                List.of("run_command: network refused"));
        assertThat(learnt).contains("A previous attempt on haiku asked for a stronger model.")
                .contains("What it learnt: The box sizes need a design.").contains("Its approach: I will add giftWrap.js.")
                .contains("(0123456789ab): src/frontend/giftWrap.js (created)").contains("Its tools refused: run_command");
        assertThat(Triage.learnt(Tier.SONNET, "Hard.", Optional.empty(), List.of(), Optional.empty(), List.of()))
                .contains("It left no changes on the branch.");
    }

    private void answer(String task, String detail) {
        events.add(new Event(events.size() + 1, Instant.EPOCH, "run", task, Triage.ANSWER_EVENT, detail));
    }

    private static PlannedTask task(String id, List<String> dependsOn) {
        return new PlannedTask(id, "Title " + id, "engineer-frontend", "do " + id, List.of("done"), Optional.empty(),
                Optional.empty(), dependsOn, Priority.P1, List.of(), Optional.empty());
    }
}
