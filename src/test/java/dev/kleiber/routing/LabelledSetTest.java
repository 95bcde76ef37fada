package dev.kleiber.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.routing.RoutingRequest.Hints;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The labelled set (src/test/resources/routing/labelled-tasks.jsonl) was written from the blueprint before the
 * rules were. Accuracy is the share of tasks whose tier and review flag both come out as labelled.
 */
class LabelledSetTest {
    private static final double REQUIRED_ACCURACY = 0.90;
    /** The held-out set was written after the rules and is never tuned against, so it gets a lower bar. */
    private static final double HOLDOUT_ACCURACY = 0.80;

    record Labelled(String id, String kind, RoutingRequest request, Tier tier, boolean review) {
    }

    static List<Labelled> load() throws IOException {
        return load("/routing/labelled-tasks.jsonl");
    }

    static List<Labelled> load(String resource) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Labelled> tasks = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                LabelledSetTest.class.getResourceAsStream(resource)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = json.readTree(line);
                Hints hints = new Hints(strings(node.get("files")), strings(node.get("services")),
                        Optional.ofNullable(node.get("minutes")).map(JsonNode::asInt),
                        Optional.ofNullable(node.get("reversible")).map(JsonNode::asBoolean));
                RoutingRequest request = new RoutingRequest(node.get("description").asText(),
                        Optional.ofNullable(node.get("agent")).map(JsonNode::asText), hints);
                tasks.add(new Labelled(node.get("id").asText(), node.get("kind").asText(), request,
                        Tier.parse(node.get("model").asText()).orElseThrow(), node.get("review").asBoolean()));
            }
        }
        return tasks;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    record Score(int total, List<String> misses, List<String> forcedMisses) {
        double accuracy() {
            return 1.0 - (double) misses.size() / total;
        }
    }

    static Score score(String name, List<Labelled> tasks) {
        Router router = new Router(new PolicyReader().bundled());
        List<String> misses = new ArrayList<>();
        List<String> forcedMisses = new ArrayList<>();
        for (Labelled task : tasks) {
            RoutingDecision decision = router.route(task.request());
            if (decision.tier() != task.tier() || decision.humanReview() != task.review()) {
                String line = task.id() + " [" + task.kind() + "] expected " + task.tier().id()
                        + (task.review() ? "+review" : "") + ", got " + decision.tier().id()
                        + (decision.humanReview() ? "+review" : "") + ": " + task.request().text()
                        + "\n      reasons: " + decision.reasons();
                misses.add(line);
                if (task.kind().equals("forced")) {
                    forcedMisses.add(line);
                }
            }
        }
        Score score = new Score(tasks.size(), misses, forcedMisses);
        System.out.printf("%s: %d tasks, %d right, accuracy %.1f%%%n", name, tasks.size(),
                tasks.size() - misses.size(), score.accuracy() * 100);
        misses.forEach(m -> System.out.println("  miss " + m));
        return score;
    }

    @Test
    void routesTheLabelledSetWithAtLeastNinetyPercentAccuracyAndEveryForcedTaskToOpusWithReview() throws IOException {
        List<Labelled> tasks = load();
        Score score = score("labelled set", tasks);

        assertThat(tasks).hasSizeGreaterThanOrEqualTo(150);
        assertThat(tasks.stream().map(Labelled::tier).distinct()).containsExactlyInAnyOrder(Tier.values());
        assertThat(score.forcedMisses()).as("forced-set tasks must all be opus + review").isEmpty();
        assertThat(score.accuracy()).as("accuracy; misses:%n%s", String.join("\n", score.misses()))
                .isGreaterThanOrEqualTo(REQUIRED_ACCURACY);
    }

    @Test
    void routesTheHeldOutSetReasonablyWell() throws IOException {
        Score score = score("held-out set", load("/routing/holdout-tasks.jsonl"));

        assertThat(score.accuracy()).as("held-out accuracy; misses:%n%s", String.join("\n", score.misses()))
                .isGreaterThanOrEqualTo(HOLDOUT_ACCURACY);
    }
}
