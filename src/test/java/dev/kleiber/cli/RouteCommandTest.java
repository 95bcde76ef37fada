package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteCommandTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void printsTheDecisionAndReasonsForAPerson() {
        Cli.Result result = new Cli(dir).run("route", "Implement", "Stripe", "payment", "processing");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Model:        opus").contains("Human review: required")
                .contains("role.default").contains("forced.payments  'stripe', 'payment'");
        assertThat(result.out()).doesNotContain("Rules considered");
    }

    @Test
    void explainListsEveryRuleConsidered() {
        Cli.Result result = new Cli(dir).run("route", "--explain", "Change the colour of the checkout button");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Model:        haiku").contains("Rules considered")
                .containsPattern("skipped +forced\\.payments .*'checkout'; but the task reads as presentation only")
                .containsPattern("applied +cosmetic\\.tweak")
                .containsPattern("no match +forced\\.auth");
    }

    @Test
    void jsonPrintsOneDocument() throws IOException {
        Cli.Result result = new Cli(dir).run("route", "--json", "--agent", "engineer-backend", "Create DTOs for the orders API");

        assertThat(result.exitCode()).isZero();
        JsonNode node = json.readTree(result.out());
        assertThat(node.get("model").asText()).isEqualTo("haiku");
        assertThat(node.get("humanReview").asBoolean()).isFalse();
        assertThat(node.get("reasons").get(0).get("rule").asText()).isEqualTo("role.default");
        assertThat(node.get("reasons").get(0).get("evidence").asText()).contains("engineer-backend");
        assertThat(node.get("reasons").get(1).get("rule").asText()).isEqualTo("boilerplate.dto");
        assertThat(result.out().strip().lines()).hasSize(1);
    }

    @Test
    void hintOptionsReachTheRouter() throws IOException {
        Cli.Result services = new Cli(dir).run("route", "--json", "--services", "api,worker", "Refactor the config loader");
        Cli.Result quick = new Cli(dir).run("route", "--json", "--minutes", "5", "--reversible", "Raise the timeout");

        assertThat(json.readTree(services.out()).get("humanReview").asBoolean()).isTrue();
        assertThat(json.readTree(quick.out()).get("model").asText()).isEqualTo("haiku");
    }

    @Test
    void inputFileGivesOneJsonLinePerInputInOrder() throws IOException {
        Files.writeString(dir.resolve("tasks.jsonl"), """
                {"id":"a","description":"Add refund logic for cancelled orders"}

                {"id":"b","description":"Add JSDoc comments to exported functions","agent":"engineer-frontend"}
                {"id":7,"description":"Update the retry constant","minutes":3,"reversible":true}
                {"id":"d","description":"Review the plan","agent":"architect","files":["docs/architecture/plan.md"],"services":[]}
                """);

        Cli.Result result = new Cli(dir).run("route", "--json", "--input", "tasks.jsonl");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> lines = result.out().lines().map(this::parse).toList();
        assertThat(lines).extracting(n -> n.get("id").asText()).containsExactly("a", "b", "7", "d");
        assertThat(lines.get(2).get("id").isNumber()).isTrue();
        assertThat(lines).extracting(n -> n.get("model").asText()).containsExactly("opus", "haiku", "haiku", "opus");
        assertThat(lines).extracting(n -> n.get("humanReview").asBoolean()).containsExactly(true, false, false, false);
        assertThat(lines.getFirst().fieldNames()).toIterable().containsExactly("id", "model", "humanReview", "reasons");
    }

    @Test
    void aMalformedLineStopsWithItsNumberAfterTheLinesBeforeIt() throws IOException {
        Files.writeString(dir.resolve("tasks.jsonl"), """
                {"id":"a","description":"Add pagination to search results endpoint"}
                {"id":"b","description":"Add a page" "oops"}
                {"id":"c","description":"Add a form"}
                """);

        Cli.Result result = new Cli(dir).run("route", "--json", "--input", "tasks.jsonl");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("kleiber: tasks.jsonl line 2: not valid JSON");
        assertThat(result.out().lines()).singleElement().satisfies(l -> assertThat(parse(l).get("id").asText()).isEqualTo("a"));
    }

    @Test
    void inputLinesAreCheckedForShape() throws IOException {
        expectLineError("{\"id\":\"a\"}", "tasks.jsonl line 1: 'description' is required");
        expectLineError("{\"description\":\"x\"}", "tasks.jsonl line 1: 'id' is required");
        expectLineError("{\"id\":\"a\",\"description\":\"  \"}", "tasks.jsonl line 1: 'description' is empty");
        expectLineError("{\"id\":\"a\",\"description\":\"x\",\"agent\":\"designer\"}",
                "tasks.jsonl line 1: unknown role 'designer'; known roles: conductor, architect");
        expectLineError("{\"id\":\"a\",\"description\":\"x\",\"model\":\"opus\"}", "tasks.jsonl line 1: unknown key 'model'");
        expectLineError("{\"id\":\"a\",\"description\":\"x\",\"minutes\":\"5\"}", "tasks.jsonl line 1: 'minutes' must be a whole number");
        expectLineError("{\"id\":\"a\",\"id\":\"b\",\"description\":\"x\"}", "tasks.jsonl line 1: not valid JSON: Duplicate field 'id'");
        expectLineError("[1,2]", "tasks.jsonl line 1: expected a JSON object");
        expectLineError("{\"id\":\"a\",\"description\":\"x\"} {}", "tasks.jsonl line 1: more than one JSON value");
    }

    private void expectLineError(String line, String message) throws IOException {
        Files.writeString(dir.resolve("tasks.jsonl"), line + "\n");
        Cli.Result result = new Cli(dir).run("route", "--json", "--input", "tasks.jsonl");
        assertThat(result.exitCode()).as(line).isEqualTo(2);
        assertThat(result.err()).as(line).startsWith("kleiber: " + message);
        assertThat(result.out()).as(line).isEmpty();
    }

    @Test
    void badUsageExitsTwoWithAClearMessage() {
        Cli.Result empty = new Cli(dir).run("route", "  ");
        Cli.Result role = new Cli(dir).run("route", "--agent", "designer", "Add a page");
        Cli.Result missing = new Cli(dir).run("route", "--json", "--input", "nope.jsonl");
        Cli.Result both = new Cli(dir).run("route", "--input", "x.jsonl", "Add a page");

        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("no task text");
        assertThat(role.exitCode()).isEqualTo(2);
        assertThat(role.err()).contains("unknown role 'designer'; known roles: conductor, architect, engineer-frontend, "
                + "engineer-backend, validator, scribe");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.jsonl: no such file");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(List.of(empty, role, missing, both)).allSatisfy(r -> {
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).doesNotContain("at dev.kleiber");
        });
    }

    @Test
    void theRepositoryPolicyIsFoundFromASubfolder() throws IOException {
        Path repo = GitRepos.init(Files.createDirectories(dir.resolve("repo")));
        Files.createDirectories(repo.resolve(".kleiber"));
        Files.writeString(repo.resolve(".kleiber/policy.yaml"), """
                rules:
                  - id: boilerplate.logging
                    enabled: false
                  - id: project.ledgerd
                    effect: force
                    when: {terms: [ledgerd]}
                """);
        Path sub = Files.createDirectories(repo.resolve("src/app"));

        Cli.Result logging = new Cli(sub).run("route", "--json", "Add basic logging to the parser");
        Cli.Result ledger = new Cli(sub).run("route", "--json", "Tune the ledgerd batch size");
        Cli.Result outside = new Cli(dir).run("route", "--json", "Add basic logging to the parser");

        assertThat(parse(logging.out()).get("model").asText()).isEqualTo("sonnet");
        assertThat(parse(ledger.out()).get("humanReview").asBoolean()).isTrue();
        assertThat(parse(ledger.out()).get("reasons").get(1).get("rule").asText()).isEqualTo("project.ledgerd");
        assertThat(parse(outside.out()).get("model").asText()).isEqualTo("haiku");
    }

    @Test
    void aBrokenRepositoryPolicyIsBadInputNamingFileAndLine() throws IOException {
        Path repo = GitRepos.init(Files.createDirectories(dir.resolve("repo")));
        Files.createDirectories(repo.resolve(".kleiber"));
        Files.writeString(repo.resolve(".kleiber/policy.yaml"), "roles:\n  scribe: gpt4\n");

        Cli.Result result = new Cli(repo).run("route", "Add a page");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("kleiber: .kleiber/policy.yaml line 2: 'scribe' must be one of opus, sonnet, "
                + "haiku; found 'gpt4'" + System.lineSeparator());
    }

    private JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
