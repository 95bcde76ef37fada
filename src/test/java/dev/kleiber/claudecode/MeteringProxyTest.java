package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The metering proxy between an agent CLI and the fake Messages API: who may call, which model, what is billed. */
class MeteringProxyTest {
    private static final String KEY = "sk-ant-test-PROXY-0123456789";
    private static final String MODEL = "claude-haiku-4-5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeMessagesApi api;
    private RecordingBudget budget;
    private MeteringProxy proxy;
    private final List<ModelToolCalls.Call> toolCalls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        api = FakeMessagesApi.start(KEY);
        budget = new RecordingBudget();
        proxy = MeteringProxy.start(api.baseUrl(), KEY, budget, new CallContext("run-1", "feat-001", 1,
                "engineer-backend", Tier.HAIKU), MODEL, toolCalls::add);
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        api.close();
    }

    private HttpResponse<String> post(String path, String credential, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path)).header("x-api-key", credential)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String request(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":300,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    }

    @Test
    void aJsonAnswerIsForwardedWithTheRealKeyAndBilledFromItsUsage() throws Exception {
        api.enqueue(FakeReply.answer(FakeReply.text("hi")).withUsage(new FakeUsage(120, 7, 30, 0, 400)));

        HttpResponse<String> response = post("/v1/messages?beta=true", proxy.token(), request(MODEL, false));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("content").get(0).path("text").asText()).isEqualTo("hi");
        assertThat(api.requests().getLast().credential()).contains(KEY);
        assertThat(api.requests().getLast().headers()).doesNotContainKey("authorization");
        assertThat(budget.settled()).singleElement().satisfies(s -> {
            assertThat(s.result().usage()).isEqualTo(new TokenUsage(120, 7, 30, 0, 400));
            assertThat(s.result().outcome()).isEqualTo(CallOutcome.OK);
        });
        assertThat(budget.reserved().getFirst().maxOutputTokens()).isEqualTo(300);
        assertThat(proxy.calls()).singleElement().satisfies(c -> assertThat(c.streamed()).isFalse());
    }

    @Test
    void aStreamedAnswerIsRelayedAndBilledFromMessageStartAndDelta() throws Exception {
        api.enqueue(FakeReply.answer(FakeReply.text("streamed hi")).withUsage(new FakeUsage(90, 12, 0, 0, 0)));

        HttpResponse<String> response = post("/v1/messages", proxy.token(), request(MODEL, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/event-stream"));
        assertThat(response.body()).contains("event: message_start").contains("streamed hi").contains("message_stop");
        assertThat(budget.settled()).singleElement().satisfies(s ->
                assertThat(s.result().usage()).isEqualTo(new TokenUsage(90, 12, 0, 0, 0)));
        assertThat(proxy.calls()).singleElement().satisfies(c -> assertThat(c.streamed()).isTrue());
    }

    /** Kleiber's record of the model's tool calls comes from the answers themselves, streamed in pieces or whole. */
    @Test
    void theModelsToolCallsAreReadFromStreamedAndWholeAnswers() throws Exception {
        api.enqueue(FakeReply.answer(FakeReply.text("writing"), FakeReply.toolUse("toolu_1", "Write",
                "{\"file_path\":\"/w/src/a.js\",\"content\":\"x = 1;\\n\"}"), FakeReply.toolUse("toolu_2", "Bash",
                "{\"command\":\"ls\"}")));
        api.enqueue(FakeReply.answer(FakeReply.toolUse("toolu_3", "Edit", "{\"file_path\":\"/w/b.js\"}")));

        post("/v1/messages", proxy.token(), request(MODEL, true));
        post("/v1/messages", proxy.token(), request(MODEL, false));

        assertThat(toolCalls).extracting(ModelToolCalls.Call::id, ModelToolCalls.Call::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple("toolu_1", "Write"), org.assertj.core.groups.Tuple.tuple("toolu_2", "Bash"),
                org.assertj.core.groups.Tuple.tuple("toolu_3", "Edit"));
        assertThat(toolCalls.getFirst().input().path("file_path").asText()).isEqualTo("/w/src/a.js");
        assertThat(toolCalls.getFirst().input().path("content").asText()).isEqualTo("x = 1;\n");
        assertThat(toolCalls.get(1).input().path("command").asText()).isEqualTo("ls");
        assertThat(toolCalls.get(2).input().path("file_path").asText()).isEqualTo("/w/b.js");
    }

    @Test
    void refusesAWrongTokenAnotherModelAndACallPastTheBudgetWithoutCallingTheApi() throws Exception {
        budget.grantOnly(0);

        HttpResponse<String> key = post("/v1/messages", KEY, request(MODEL, false));
        HttpResponse<String> model = post("/v1/messages", proxy.token(), request("claude-opus-4-1", false));
        HttpResponse<String> money = post("/v1/messages", proxy.token(), request(MODEL, true));

        assertThat(key.statusCode()).isEqualTo(401);
        assertThat(model.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(model.body()).path("error").path("message").asText())
                .isEqualTo("Kleiber: Kleiber routed this task to claude-haiku-4-5; a call for claude-opus-4-1 is not allowed");
        assertThat(money.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(money.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(proxy.refusals()).hasSize(2).last().isInstanceOf(ProxyRefusal.Budget.class);
        assertThat(api.requests()).isEmpty();
        assertThat(budget.settled()).isEmpty();
    }

    @Test
    void answersTheCliProbeOfItsBaseUrlAndNothingElse() throws Exception {
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(proxy.baseUrl()).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/v1/models"))
                .header("x-api-key", proxy.token()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(models.statusCode()).isEqualTo(404);
        assertThat(api.requests()).isEmpty();
    }
}
