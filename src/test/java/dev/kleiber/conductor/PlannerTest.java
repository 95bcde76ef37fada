package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.routing.Roles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlannerTest {
    private static final String KEY = "sk-ant-test-PLANNER-0123456789";
    private static final String TWO_TASKS = """
            {"tasks":[
              {"id":"api-001","title":"Add the settings endpoint","agent":"engineer-backend",
               "description":"GET and PUT /settings","acceptance":["GET returns the settings"],"depends_on":[],"priority":"p1",
               "files":["src/backend/settings.js"]},
              {"id":"ui-001","title":"Add the settings page","agent":"engineer-frontend",
               "description":"A form for the settings","acceptance":["The form saves"],"depends_on":["api-001"],"priority":"p2"}
            ]}""";

    private final FakeMessagesApi api = FakeMessagesApi.start(KEY);
    private final RecordingBudget budget = new RecordingBudget();
    private final AnthropicClient client = AnthropicClient.create(AnthropicSettings.fromEnv(Map.of(
            "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString())), budget, Clock.systemUTC());
    private final Planner planner = new Planner(client, "claude-opus-4-1", "claude-opus-4-1",
            dev.kleiber.plan.RoleScopes.unchecked(Set.copyOf(Roles.BLUEPRINT)), 2, 4000);

    @AfterEach
    void tearDown() {
        client.close();
        api.close();
    }

    private static boolean architect(RecordedRequest request) {
        return request.json().path("tools").get(0).path("name").asText().equals(Planner.REVIEW_TOOL);
    }

    /** Answers the conductor's turns from {@code drafts} and the architect's from {@code verdicts}, in order. */
    private void script(List<FakeReply> drafts, List<FakeReply> verdicts) {
        List<FakeReply> conductor = new ArrayList<>(drafts);
        List<FakeReply> architect = new ArrayList<>(verdicts);
        Function<RecordedRequest, FakeReply> responder = request -> architect(request) ? architect.removeFirst()
                : conductor.removeFirst();
        api.respondWith(responder);
    }

    private static FakeReply submit(String id, String json) {
        return FakeReply.answer(FakeReply.toolUse(id, "submit_plan", json));
    }

    private static FakeReply verdict(boolean approved, String feedback) {
        return FakeReply.answer(FakeReply.toolUse("r", Planner.REVIEW_TOOL,
                "{\"approved\":" + approved + ",\"feedback\":\"" + feedback + "\"}"));
    }

    @Test
    void aBrokenPlanIsSentBackAndTheArchitectsFeedbackIsAnswered() {
        script(List.of(
                        submit("d1", TWO_TASKS.replace("engineer-frontend", "designer")),
                        submit("d2", TWO_TASKS.replace(",\"priority\":\"p2\"}", ",\"priority\":\"p2\",\"context\":\"x\"}")),
                        submit("d3", TWO_TASKS)),
                List.of(verdict(false, "ui-001 must name the form fields"), verdict(true, "Sound.")));

        Planner.Result result = planner.plan("run-1", "Add user settings", "src/backend/server.js\nREADME.md",
                "You are the CONDUCTOR.", "You are the ARCHITECT.");

        assertThat(result.plan().tasks()).extracting(PlannedTask::id).containsExactly("api-001", "ui-001");
        assertThat(result.reviews()).isEqualTo(2);
        assertThat(result.feedback()).containsExactly("ui-001 must name the form fields");
        List<RecordedRequest> requests = api.requests();
        assertThat(requests).hasSize(5);
        assertThat(requests.get(1).body()).contains("The plan is invalid").contains("designer");
        assertThat(requests.get(3).body()).contains("The architect rejected the plan: ui-001 must name the form fields");
        assertThat(requests.get(0).json().path("system").get(0).path("text").asText())
                .contains("You are the CONDUCTOR.").contains("Roles you may assign");
        assertThat(requests.get(2).json().path("messages").get(0).path("content").get(0).path("text").asText())
                .contains("Add user settings").contains("api-001");
        assertThat(budget.settled()).hasSize(5);
        assertThat(budget.reserved()).allSatisfy(r -> assertThat(r.reservation().context().taskId()).isEqualTo("plan"));
    }

    @Test
    void aPlanTheArchitectNeverApprovesIsRefused() {
        script(List.of(submit("d1", TWO_TASKS), submit("d2", TWO_TASKS)),
                List.of(verdict(false, "too coarse"), verdict(false, "still too coarse")));

        assertThatThrownBy(() -> planner.plan("run-1", "Add user settings", "", "c", "a"))
                .isInstanceOf(KleiberException.class)
                .hasMessage("the architect did not approve the plan after 2 review rounds; last feedback: still too coarse");
    }

    @Test
    void aConductorThatNeverSubmitsIsStopped() {
        api.respondWith(request -> FakeReply.answer(FakeReply.text("Let me think about it.")));

        assertThatThrownBy(() -> planner.plan("run-1", "Add user settings", "", "c", "a"))
                .hasMessage("the conductor did not submit a plan after 3 reminders");
        assertThat(api.requests()).hasSize(4);
    }
}
