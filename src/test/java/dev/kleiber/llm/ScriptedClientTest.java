package dev.kleiber.llm;

import dev.kleiber.KleiberException;
import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScriptedClientTest {

    static final String SCRIPT = """
            # the conductor plans, then two workers answer in parallel
            {"key":"conductor","response":{"id":"msg_plan","type":"message","role":"assistant","model":"claude-opus-4-1","content":[{"type":"text","text":"Here is the plan."},{"type":"tool_use","id":"toolu_p1","name":"submit_plan","input":{"tasks":["feat-001","feat-002"]}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":2100,"output_tokens":640,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}

            {"key":"feat-001","response":{"id":"msg_a1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"toolu_a1","name":"read_file","input":{"path":"src/db/schema.sql"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1500,"output_tokens":30,"cache_creation_input_tokens":1200,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":200,"ephemeral_1h_input_tokens":1000}}}}
            {"key":"feat-001","response":{"id":"msg_a2","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"feat-001 done"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":90,"output_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":1200}}}
            {"key":"feat-002","response":{"id":"msg_b1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"feat-002 done"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":400,"output_tokens":20}}}
            {"id":"msg_any","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"unkeyed"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}
            """;

    final RecordingBudget budget = new RecordingBudget();

    static CallContext context(String taskId, String agent) {
        return new CallContext("run-1", taskId, 1, agent, Tier.SONNET);
    }

    static LlmRequest request(String model) {
        return LlmRequest.of(model, List.of(), List.of(), List.of(Message.user("go")), 500);
    }

    @Test
    void replaysEachKeysResponsesInOrderAndSaysTheyAreScripted() {
        ScriptedClient client = ScriptedClient.parse("demo.jsonl", SCRIPT, budget);
        StringBuilder shown = new StringBuilder();

        LlmResponse plan = client.send(context("", "conductor"), request("claude-opus-4-1"), new StreamListener() {
            @Override
            public void onText(String delta) {
                shown.append(delta);
            }
        });
        LlmResponse first = client.send(context("feat-001", "engineer-backend"), request("claude-sonnet-4-5"));
        LlmResponse second = client.send(context("feat-001", "engineer-backend"), request("claude-sonnet-4-5"));

        assertThat(plan.scripted()).isTrue();
        assertThat(plan.answeredModel()).isEqualTo("claude-opus-4-1+scripted");
        assertThat(plan.text()).isEqualTo("Here is the plan.");
        assertThat(shown).hasToString("Here is the plan.");
        assertThat(plan.toolUses()).singleElement().satisfies(use -> {
            assertThat(use.name()).isEqualTo("submit_plan");
            assertThat(use.input().path("tasks").get(1).asText()).isEqualTo("feat-002");
        });
        assertThat(plan.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(plan.requestId()).contains("scripted:demo.jsonl:2");
        assertThat(first.toolUses()).singleElement().satisfies(use -> assertThat(use.id()).isEqualTo("toolu_a1"));
        assertThat(first.usage()).isEqualTo(new TokenUsage(1500, 30, 200, 1000, 0));
        assertThat(second.text()).isEqualTo("feat-001 done");
        assertThat(second.usage()).isEqualTo(new TokenUsage(90, 12, 0, 0, 1200));
        assertThat(client.remaining()).containsEntry("conductor", 0).containsEntry("feat-001", 0).containsEntry("feat-002", 1);
    }

    @Test
    void reservesAndSettlesEveryCallThroughTheBudget() {
        ScriptedClient client = ScriptedClient.parse("demo.jsonl", SCRIPT, budget);

        client.send(context("feat-002", "engineer-frontend"), request("claude-haiku-4-5"));

        assertThat(budget.reserved()).singleElement().satisfies(r -> {
            assertThat(r.reservation().modelId()).isEqualTo("claude-haiku-4-5");
            assertThat(r.maxOutputTokens()).isEqualTo(500);
            assertThat(r.maxInputTokens()).isPositive();
        });
        assertThat(budget.settled()).singleElement().satisfies(s -> {
            assertThat(s.result().outcome()).isEqualTo(CallOutcome.OK);
            assertThat(s.result().answeredModelId()).isEqualTo("claude-haiku-4-5+scripted");
            assertThat(s.result().usage()).isEqualTo(TokenUsage.of(400, 20));
            assertThat(s.result().requestId()).contains("scripted:demo.jsonl:6");
        });
    }

    @Test
    void aRefusedReservationConsumesNoResponse() {
        ScriptedClient client = ScriptedClient.parse("demo.jsonl", SCRIPT, budget.grantOnly(0));

        assertThatThrownBy(() -> client.send(context("feat-002", "engineer-frontend"), request("claude-haiku-4-5")))
                .isInstanceOf(BudgetExceededException.class);

        assertThat(client.remaining()).containsEntry("feat-002", 1);
    }

    @Test
    void parallelAgentsEachGetTheirOwnSequence() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int task = 1; task <= 4; task++) {
            for (int turn = 1; turn <= 5; turn++) {
                script.append("""
                        {"key":"t%d","response":{"id":"msg_%d_%d","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"t%d turn %d"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}}
                        """.formatted(task, task, turn, task, turn));
            }
        }
        ScriptedClient client = ScriptedClient.parse("parallel.jsonl", script.toString(), budget);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());

        try (var pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int task = 1; task <= 4; task++) {
                String taskId = "t" + task;
                runs.add(pool.submit(() -> {
                    for (int turn = 1; turn <= 5; turn++) {
                        String text = client.send(context(taskId, "engineer-backend"), request("claude-sonnet-4-5")).text();
                        assertThat(text).isEqualTo(taskId + " turn " + turn);
                        seen.add(text);
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }

        assertThat(seen).hasSize(20);
        assertThat(budget.settled()).hasSize(20);
        assertThat(budget.open()).isEmpty();
    }

    @Test
    void keysAreLookedUpFromMostToLeastSpecific() {
        String line = """
                {"key":"%s","response":{"id":"m","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}
                """;
        ScriptedClient client = ScriptedClient.parse("keys.jsonl",
                line.formatted("validator/t1", "a") + line.formatted("t1", "b") + line.formatted("validator", "c"), budget);

        assertThat(client.keyFor(context("t1", "validator"))).isEqualTo("validator/t1");
        assertThat(client.keyFor(context("t1", "scribe"))).isEqualTo("t1");
        assertThat(client.keyFor(context("t2", "validator"))).isEqualTo("validator");
        assertThat(client.keyFor(context("t2", "scribe"))).isEmpty();
    }

    @Test
    void runningOutOfResponsesIsAClearErrorAndSettled() {
        ScriptedClient client = ScriptedClient.parse("demo.jsonl", SCRIPT, budget);
        client.send(context("feat-002", "engineer-frontend"), request("claude-haiku-4-5"));

        assertThatThrownBy(() -> client.send(context("feat-002", "engineer-frontend"), request("claude-haiku-4-5")))
                .isInstanceOf(KleiberException.class)
                .hasMessage("demo.jsonl has no more scripted responses for task feat-002, agent engineer-frontend"
                        + " (script key 'feat-002'); the script does not cover this run.");
        assertThat(budget.open()).isEmpty();
        assertThat(budget.settled().getLast().result().outcome()).isEqualTo(CallOutcome.ERROR);
    }

    @Test
    void badScriptLinesAreNamedByFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.jsonl");
        Files.writeString(file, """
                {"id":"msg_ok","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}
                # a comment

                {"id":"msg_bad","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":"end_turn"}
                """);

        assertThatThrownBy(() -> ScriptedClient.load(file, budget))
                .isInstanceOf(KleiberException.class)
                .hasMessage(file + " line 4: the response has no \"usage\"")
                .satisfies(e -> assertThat(((KleiberException) e).exitCode()).isEqualTo(KleiberException.BAD_INPUT));
        assertThatThrownBy(() -> ScriptedClient.parse("x.jsonl", "{\"id\": \"m\",", budget))
                .hasMessageStartingWith("x.jsonl line 1: not valid JSON");
        assertThatThrownBy(() -> ScriptedClient.parse("x.jsonl", "{\"key\": 3, \"response\": {}}", budget))
                .hasMessage("x.jsonl line 1: an entry with \"response\" needs a non-empty string \"key\"");
        assertThatThrownBy(() -> ScriptedClient.parse("empty.jsonl", "# nothing\n", budget))
                .hasMessage("empty.jsonl: the model script has no responses");
        assertThatThrownBy(() -> ScriptedClient.load(dir.resolve("missing.jsonl"), budget))
                .hasMessageStartingWith("cannot read the model script " + dir.resolve("missing.jsonl"));
        assertThat(budget.reserved()).isEmpty();
    }

    @Test
    void aScriptedThinkingBlockIsKeptForTheNextTurn() {
        ScriptedClient client = ScriptedClient.parse("t.jsonl", "{\"type\":\"message\",\"id\":\"m\",\"role\":\"assistant\","
                + "\"model\":\"m\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"sig\"},"
                + "{\"type\":\"text\",\"text\":\"Done.\"}],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}", budget);

        LlmResponse response = client.send(new CallContext("r", "t", 1, "scribe", Tier.HAIKU),
                LlmRequest.of("claude-haiku-5-5", List.of(), List.of(), List.of(Message.user("Go")), 100), StreamListener.NONE);

        assertThat(response.content()).containsExactly(new ContentBlock.Thinking("", "sig"), ContentBlock.Text.of("Done."));
        assertThat(response.text()).isEqualTo("Done.");
    }
}
