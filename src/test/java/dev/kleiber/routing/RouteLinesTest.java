package dev.kleiber.routing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.KleiberException;
import dev.kleiber.routing.RoutingRequest.Hints;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code kleiber route --input}'s codec on its own: every field of a line read, every bad line named with what was wrong. */
class RouteLinesTest {
    private static final RouteLines LINES = new RouteLines();

    @Test
    void aLineCarriesItsIdAsGivenAndEveryHint() {
        RouteLines.Line line = LINES.read("{\"id\": 7, \"description\": \"Add a login endpoint\", \"agent\": "
                + "\"engineer-backend\", \"files\": [\"src/auth.ts\"], \"services\": [\"auth\"], \"minutes\": 30, "
                + "\"reversible\": false}", "tasks.jsonl line 1");

        assertThat(line.id()).isEqualTo(BigInteger.valueOf(7));
        assertThat(line.request()).isEqualTo(new RoutingRequest("Add a login endpoint", Optional.of("engineer-backend"),
                new Hints(List.of("src/auth.ts"), List.of("auth"), Optional.of(30), Optional.of(false))));
        assertThat(LINES.read("{\"id\": \"t1\", \"description\": \"Fix a typo\", \"agent\": null}", "x").id())
                .isEqualTo("t1");
    }

    @Test
    void aBadLineIsBadInputNamingTheLineAndTheField() {
        assertBad("[1, 2]", "tasks.jsonl line 4: expected a JSON object like {\"id\": \"t1\", \"description\": \"...\"}");
        assertBad("{\"id\": \"t1\"}", "tasks.jsonl line 4: 'description' is required");
        assertBad("{\"description\": \"x\"}", "tasks.jsonl line 4: 'id' is required");
        assertBad("{\"id\": \"t1\", \"description\": \"x\", \"minutes\": -1}",
                "tasks.jsonl line 4: 'minutes' must be a whole number of 0 or more; found -1");
        assertBad("{\"id\": \"t1\", \"description\": \"x\", \"colour\": 1}",
                "tasks.jsonl line 4: unknown key 'colour'; expected agent, description, files, id, minutes, reversible, services");
        assertBad("{\"id\": \"t1\", \"description\": \"x\"} {}",
                "tasks.jsonl line 4: more than one JSON value on the line; expected one object");
        assertThatThrownBy(() -> LINES.read("{\"id\": \"t1\", \"id\": \"t2\", \"description\": \"x\"}", "tasks.jsonl line 4"))
                .isInstanceOf(KleiberException.class).hasMessageStartingWith("tasks.jsonl line 4: not valid JSON: Duplicate field 'id'");
    }

    @Test
    void aDecisionIsWrittenWithTheLinesIdTheModelAndTheReasons() throws Exception {
        Router router = new Router(new PolicyReader().bundled());
        Explanation explanation = router.explain(new RoutingRequest("Add pagination to search results endpoint",
                Optional.empty(), Hints.NONE));
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = LINES.writer(out)) {
            RouteLines.write(generator, Optional.of(BigInteger.valueOf(12)), explanation, true);
        }

        JsonNode written = new ObjectMapper().readTree(out.toString());
        assertThat(written.get("id").isIntegralNumber()).isTrue();
        assertThat(written.get("id").asInt()).isEqualTo(12);
        assertThat(written.get("model").asText()).isEqualTo(explanation.decision().tier().id());
        assertThat(written.get("humanReview").asBoolean()).isEqualTo(explanation.decision().humanReview());
        assertThat(written.get("reasons").findValuesAsText("rule"))
                .isEqualTo(explanation.decision().reasons().stream().map(Reason::ruleId).toList());
        assertThat(written.get("considered")).hasSize(explanation.considered().size());
    }

    private static void assertBad(String line, String message) {
        assertThatThrownBy(() -> LINES.read(line, "tasks.jsonl line 4"))
                .isInstanceOf(KleiberException.class).hasMessage(message);
    }
}
