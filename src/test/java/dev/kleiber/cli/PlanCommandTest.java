package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.Priority;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kleiber plan}: plan a request or load a plan file, route it, write task files and the plan, or dry-run. */
class PlanCommandTest {
    /** A backend payment task the plan suggests for Haiku, and a scribe task that depends on it. */
    private static final String PLAN = """
            tasks:
              - id: pay-refund
                title: Add refunds to the payment service
                agent: engineer-backend
                priority: p0
                model: haiku
                description: Implement partial refunds in src/services/payments.ts and record each refund.
                acceptance:
                  - A refund of part of a payment is recorded
                files: [src/services/payments.ts]
              - id: doc-refund
                title: Document refunds
                agent: scribe
                priority: p2
                depends_on: [pay-refund]
                description: Write docs/refunds.md for support staff.
                acceptance: [docs/refunds.md explains when a refund is possible]
            """;

    @TempDir
    Path tmp;

    private Path repo;
    private Cli cli;

    /** A git repository; a plan needs no {@code kleiber init} (the blueprint's roles and defaults apply). */
    @BeforeEach
    void createRepository() {
        repo = GitRepos.init(tmp.resolve("repo"));
        cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
    }

    /** {@code kleiber init}, committed: planning a request opens the store, which init makes git ignore. */
    private void initProject() {
        assertThat(cli.run("init").exitCode()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
    }

    private static String response(String key, String id, String toolName, String inputJson) {
        return "{\"key\":\"" + key + "\",\"response\":{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-opus-4-1\",\"content\":[{\"type\":\"tool_use\",\"id\":\"tu_" + id + "\",\"name\":\""
                + toolName + "\",\"input\":" + inputJson + "}],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":1500,\"output_tokens\":120}}}\n";
    }

    /** The conductor submits the two-task plan (as JSON), the architect first rejects it, then approves. */
    private void writePlanningScript() throws IOException {
        String plan = """
                {"tasks":[{"id":"pay-refund","title":"Add refunds to the payment service","agent":"engineer-backend",\
                "description":"Implement partial refunds in src/services/payments.ts and record each refund.",\
                "acceptance":["A refund of part of a payment is recorded"],"depends_on":[],"priority":"p0",\
                "model":"haiku","files":["src/services/payments.ts"]},\
                {"id":"doc-refund","title":"Document refunds","agent":"scribe",\
                "description":"Write docs/refunds.md for support staff.",\
                "acceptance":["docs/refunds.md explains when a refund is possible"],"depends_on":["pay-refund"],\
                "priority":"p2"}]}""";
        Files.writeString(tmp.resolve("plan-script.jsonl"),
                response("conductor", "m1", "submit_plan", plan)
                        + response("architect", "m2", "review_plan", "{\"approved\":false,\"feedback\":\"Say who reads the docs.\"}")
                        + response("conductor", "m3", "submit_plan", plan)
                        + response("architect", "m4", "review_plan", "{\"approved\":true,\"feedback\":\"Sound.\"}"));
    }

    /** Every file of the work tree but git's own and the git-ignored store, with its content. */
    private Map<String, String> tree() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(repo)) {
            for (Path path : walk.filter(Files::isRegularFile).toList()) {
                String name = repo.relativize(path).toString();
                if (!name.startsWith(".git/") && !name.startsWith(".kleiber/state.db")) {
                    files.put(name, Files.readString(path));
                }
            }
        }
        return files;
    }

    @Test
    void aDryRunFromAFileWritesNothingAndPrintsReasonsAndBothCosts() throws IOException {
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        GitRepos.git(repo, "add", "plan.yaml");
        GitRepos.git(repo, "commit", "-q", "-m", "a plan");
        Map<String, String> before = tree();

        Cli.Result result = cli.run("plan", "--from", "plan.yaml", "--dry-run");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(tree()).isEqualTo(before);
        assertThat(GitRepos.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(result.out()).contains("DRY RUN: nothing was written")
                .contains("pay-refund  Add refunds to the payment service")
                .contains("agent engineer-backend, priority p0, depends on nothing")
                .contains("model opus (claude-opus-5-5), HUMAN REVIEW REQUIRED (forced)")
                .contains("the plan suggested haiku; it runs on opus, the lowest tier its routing allows")
                .containsPattern("forced\\.payments +Payment processing logic and money flow: .*'refund")
                .contains("agent scribe, priority p2, depends on pay-refund")
                .contains("model haiku (claude-haiku-5-5), no human review")
                .contains("role.default")
                // on the newer tokenizer (x1.3) opus: 39k-1.3M in, 13k-104k out at $4/$20;
                // haiku: 6.5k-130k in, 2.6k-13k out at $0.10/$0.50
                .contains("est. $0.416–$7.28 (all-Opus $0.416–$7.28)")
                .contains("est. $0.002–$0.0195 (all-Opus $0.078–$0.78)")
                .contains("Estimated cost: $0.418–$7.2995 (all-Opus $0.494–$8.06) for 2 tasks")
                .contains("Token counts assume the Claude 4.7-and-later tokenizer (~30% more tokens for the same text)")
                .doesNotContain("passes the");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void aDryRunSaysBeforeAnythingRunsWhenTheHighEstimatePassesWhatIsLeftOfTodaysBudget() throws IOException {
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        Files.createDirectories(repo.resolve(".kleiber"));
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), "budget:\n  daily_usd: 2\n");

        Cli.Result result = cli.run("plan", "--from", "plan.yaml", "--dry-run");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("Note: the high estimate $7.2995 passes the $2.00 left of today's budget")
                .contains("kleiber budget raise --to USD");
    }

    @Test
    void aDryRunPricesTheConfiguredModelsAndNamesEachOnesTokenizer() throws IOException {
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        Files.createDirectories(repo.resolve(".kleiber"));
        // Opus 4.1: $15/$75 a million and the older tokenizer (no x1.3); a house model priced in the file for haiku
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), """
                models:
                  opus: claude-opus-4-1
                  haiku: house-haiku-1
                prices:
                  house-haiku-1: {input: 0.2, output: 1}
                """);

        Cli.Result result = cli.run("plan", "--from", "plan.yaml", "--dry-run");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        // opus 4.1: 30k-1M in at $15, 10k-80k out at $75; house-haiku-1 (an id naming no newer generation, so
        // counted unscaled): 5k-100k in at $0.2, 2k-10k out at $1
        assertThat(result.out()).contains("model opus (claude-opus-4-1), HUMAN REVIEW REQUIRED (forced)   est. $1.20–$21.00")
                .contains("model haiku (house-haiku-1), no human review   est. $0.003–$0.03")
                .contains("Token counts assume the Claude 4.6-and-earlier tokenizer for claude-opus-4-1 and house-haiku-1,"
                        + " and the Claude 4.7-and-later tokenizer (~30% more tokens for the same text) for claude-sonnet-5-5.");
    }

    @Test
    void aDryRunAsJsonIsOneDocumentWithTheForcedTaskOnOpusAndReview() throws IOException {
        Files.writeString(repo.resolve("plan.yaml"), PLAN);

        Cli.Result result = cli.run("plan", "--from", "plan.yaml", "--dry-run", "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.path("dryRun").asBoolean()).isTrue();
        assertThat(json.path("planFile").isNull()).isTrue();
        JsonNode pay = json.at("/tasks/0");
        assertThat(pay.path("suggestedModel").asText()).isEqualTo("haiku");
        assertThat(pay.path("model").asText()).isEqualTo("opus");
        assertThat(pay.path("humanReview").asBoolean()).isTrue();
        assertThat(pay.path("reasons").findValuesAsText("rule")).contains("forced.payments");
        assertThat(json.at("/estimateUsd/low").decimalValue()).isEqualByComparingTo("0.41795");
        assertThat(json.at("/allOpusUsd/high").decimalValue()).isEqualByComparingTo("8.06");
        assertThat(json.path("tokenizer").asText()).contains("4.7-and-later");
        assertThat(json.path("remainingTodayUsd").decimalValue()).isEqualByComparingTo("50");
        assertThat(json.path("highPassesRemainingBudget").asBoolean()).isFalse();
        assertThat(repo.resolve("tasks/engineer-backend/pay-refund.md")).doesNotExist();
    }

    private static final String TASK_A = """
            tasks:
              - id: a
                title: A
                agent: %s
                description: Do a.
                acceptance: [A works]
            """;

    static Stream<Arguments> badPlans() {
        return Stream.of(
                Arguments.of("unknown agent", TASK_A.formatted("wizard"),
                        "plan.yaml line 4: agent 'wizard' is not a known role"),
                Arguments.of("missing dependency", TASK_A.formatted("scribe") + "    depends_on: [nothing-here]\n",
                        "plan.yaml line 7: depends_on 'nothing-here' is not a task in this plan"),
                Arguments.of("cycle", TASK_A.formatted("scribe") + """
                            depends_on: [b]
                          - id: b
                            title: B
                            agent: scribe
                            description: Do b.
                            acceptance: [B works]
                            depends_on: [a]
                        """, "plan.yaml line 7: dependency cycle: a → b → a"),
                Arguments.of("duplicate id", TASK_A.formatted("scribe") + """
                          - id: a
                            title: A again
                            agent: scribe
                            description: Do a again.
                            acceptance: [A works again]
                        """, "plan.yaml line 7: duplicate id 'a' (first at line 2)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPlans")
    void everyKindOfBadPlanIsReportedByLineWithExitTwo(String kind, String yaml, String expected) throws IOException {
        Files.writeString(repo.resolve("plan.yaml"), yaml);
        Map<String, String> before = tree();

        Cli.Result result = cli.run("plan", "--from", "plan.yaml");

        assertThat(result.exitCode()).as(result.out()).isEqualTo(2);
        assertThat(result.err()).contains(expected).contains("kleiber: plan.yaml is not a valid plan");
        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void planningARequestWritesBlueprintTaskFilesAndAPlanThatRunAccepts() throws IOException {
        initProject();
        writePlanningScript();

        Cli.Result result = cli.run("plan", "Add partial refunds and document them", "--script",
                tmp.resolve("plan-script.jsonl").toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("SCRIPTED").contains("architect asked for changes: Say who reads the docs.")
                .contains("plan approved after 2 review rounds")
                .containsPattern("wrote +tasks/engineer-backend/pay-refund\\.md +opus, human review +est\\. \\$0\\.416–\\$7\\.28")
                .containsPattern("wrote +tasks/scribe/doc-refund.md");
        ProtocolParser parser = new ProtocolParser(Roles.BLUEPRINT);
        TaskFile pay = taskFile(parser, "tasks/engineer-backend/pay-refund.md");
        assertThat(pay.model()).isEqualTo(Tier.OPUS);
        assertThat(pay.priority()).isEqualTo(Priority.P0);
        assertThat(pay.agent()).isEqualTo("engineer-backend");
        assertThat(pay.description()).isEqualTo("Implement partial refunds in src/services/payments.ts and record each refund.");
        assertThat(taskFile(parser, "tasks/scribe/doc-refund.md").model()).isEqualTo(Tier.HAIKU);

        Path planFile;
        try (Stream<Path> plans = Files.list(repo.resolve(".kleiber/plans"))) {
            planFile = plans.findFirst().orElseThrow();
        }
        String relative = repo.relativize(planFile).toString();
        assertThat(relative).matches("\\.kleiber/plans/plan-\\d{8}-\\d{6}\\.yaml");
        assertThat(result.out()).contains("Run exactly this plan with: kleiber run --plan " + relative);
        Plan plan = new PlanFileParser(new SafeYaml(), Set.copyOf(Roles.BLUEPRINT)).parse(Files.readString(planFile), relative);
        assertThat(plan.tasks()).extracting(t -> t.id()).containsExactly("pay-refund", "doc-refund");
        assertThat(plan.task("pay-refund").orElseThrow().model()).contains(Tier.HAIKU);
        JsonNode cost = new ObjectMapper().readTree(cli.run("cost", "--json").out());
        assertThat(cost.path("calls").asLong()).as("two drafts and two reviews").isEqualTo(4);

        Files.writeString(tmp.resolve("run-script.jsonl"),
                response("pay-refund", "r1", "write_file",
                        "{\"path\":\"src/services/payments.ts\",\"content\":\"export const refunds = [];\\n\"}")
                        + response("pay-refund", "r2", "complete_task", "{\"summary\":\"Added refunds.\"}"));
        Cli.Result run = cli.run("run", "--plan", relative, "--script", tmp.resolve("run-script.jsonl").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("2 tasks from " + relative)
                .contains("pay-refund waits for a person")
                .contains("doc-refund waits for pay-refund");
    }

    @Test
    void aDryRunOfARequestWritesNothingButRecordsThePlanningCallsInTheLedger() throws Exception {
        initProject();
        writePlanningScript();
        Map<String, String> before = tree();

        Cli.Result result = cli.run("plan", "Add partial refunds and document them", "--dry-run", "--script",
                tmp.resolve("plan-script.jsonl").toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(tree()).isEqualTo(before);
        assertThat(GitRepos.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(result.out()).containsPattern("The 4 planning calls were made and are recorded in the ledger under "
                        + "plan-\\d{8}-\\d{6} \\(\\$0\\.0336\\), as every call is\\.")
                .contains("HUMAN REVIEW REQUIRED (forced)").contains("forced.payments");
        JsonNode cost = new ObjectMapper().readTree(cli.run("cost", "--json").out());
        assertThat(cost.path("calls").asLong()).isEqualTo(4);
        assertThat(rowCounts()).as("only the ledger keeps anything").containsEntry("ledger", 4L)
                .allSatisfy((table, rows) -> assertThat(rows).as(table).isEqualTo(table.equals("ledger") ? 4L : 0L));
    }

    /** Rows per table of the project's SQLite store; Flyway's history and the schema's fixed lock rows left out. */
    private Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve(".kleiber/state.db"));
             ResultSet tables = db.createStatement().executeQuery(
                     "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'flyway%' AND name NOT LIKE 'sqlite%' AND name <> 'locks'")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String name : names) {
                try (ResultSet count = db.createStatement().executeQuery("SELECT count(*) FROM " + name)) {
                    counts.put(name, count.next() ? count.getLong(1) : 0);
                }
            }
        }
        return counts;
    }

    @Test
    void aPlanFromAFileIsWrittenWithItsTextAndRunsAgain() throws IOException {
        Files.writeString(repo.resolve("plan.yaml"), "# reviewed by Ada\n" + PLAN);

        Cli.Result result = cli.run("plan", "--from", "plan.yaml");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("2 tasks from plan.yaml").containsPattern("wrote +tasks/scribe/doc-refund.md");
        Path planFile;
        try (Stream<Path> plans = Files.list(repo.resolve(".kleiber/plans"))) {
            planFile = plans.findFirst().orElseThrow();
        }
        assertThat(planFile).content().contains("# reviewed by Ada\n" + PLAN).contains("kleiber run --plan .kleiber/plans/");
        assertThat(cli.run("plan", "check", repo.relativize(planFile).toString()).exitCode()).isZero();
    }

    @Test
    void aRequestAndAFileTogetherOrNeitherIsBadUsage() {
        assertThat(cli.run("plan").err()).contains("say what to plan");
        assertThat(cli.run("plan").exitCode()).isEqualTo(2);
        Cli.Result both = cli.run("plan", "Do things", "--from", "plan.yaml");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(cli.run("plan", "--from", "missing.yaml").err()).contains("missing.yaml: no such file");
    }

    private TaskFile taskFile(ProtocolParser parser, String path) throws IOException {
        ParseResult parsed = parser.parse(Files.readString(repo.resolve(path)));
        assertThat(parsed).as(path).isInstanceOf(ParseResult.Parsed.class);
        return (TaskFile) ((ParseResult.Parsed) parsed).document();
    }
}
