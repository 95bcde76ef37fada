package dev.kleiber.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.testutil.GitRepos;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber mcp} as an MCP client sees it: a real {@code java} child process spoken to over stdio by the SDK's own
 * client. Every tool is listed with its schema and called with good and bad input; answers equal what the CLI prints
 * and errors carry the CLI's messages.
 */
class McpServerTest {
    private static final String PLAN = """
            tasks:
              - id: pay-refund
                title: Add refunds to the payment service
                agent: engineer-backend
                priority: p0
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
    private static final String TASK = """
            # Task: feat-042
            Agent: engineer-backend
            Model: sonnet
            Priority: p1
            Created: 2026-12-07T09:00:00Z

            ## Description
            Add an endpoint that lists refunds.

            ## Acceptance Criteria
            - [ ] GET /refunds answers with the refunds
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path repo;
    private static Cli cli;
    private static McpSyncClient client;

    @BeforeAll
    static void startServer() throws Exception {
        repo = GitRepos.init(tmp.resolve("shop"));
        cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        assertThat(cli.run("init").exitCode()).isZero();
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        Files.writeString(repo.resolve("bad-plan.yaml"), PLAN.replace("depends_on: [pay-refund]", "depends_on: [nowhere]"));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");

        String java = ProcessHandle.current().info().command().orElse("java");
        ServerParameters server = ServerParameters.builder(java)
                .args("-cp", System.getProperty("java.class.path"), "dev.kleiber.cli.Main", "mcp", "--project", repo.toString())
                .env(Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString()))
                .build();
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        client = McpClient.sync(new StdioClientTransport(server, json)).requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.closeGracefully();
        }
    }

    private static McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    private static Object cliJson(String... args) throws Exception {
        Cli.Result result = cli.run(args);
        assertThat(result.exitCode()).as(result.err()).isZero();
        return JSON.readValue(result.out(), Object.class);
    }

    @Test
    void listsEveryToolWithAnObjectSchemaAndNoneThatDecidesForAPerson() {
        List<McpSchema.Tool> tools = client.listTools().tools();

        assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("route_task", "plan_check",
                "plan_estimate", "run_status", "cost_report", "budget_status", "protocol_check", "protocol_show",
                "review_queue", "review_show", "write_protocol_file");
        for (McpSchema.Tool tool : tools) {
            assertThat(tool.description()).as(tool.name()).isNotBlank();
            assertThat(tool.inputSchema()).as(tool.name()).containsEntry("type", "object")
                    .containsEntry("additionalProperties", false).containsKey("properties");
            assertThat(tool.name()).doesNotContainPattern("(?i)approv|reject|raise|resume|merge|run_tasks");
        }
        assertThat(tools).filteredOn(t -> !t.annotations().readOnlyHint()).extracting(McpSchema.Tool::name)
                .containsExactly("write_protocol_file");
        Map<String, Object> route = tools.stream().filter(t -> t.name().equals("route_task")).findFirst().orElseThrow()
                .inputSchema();
        assertThat(route.get("required")).isEqualTo(List.of("description"));
        assertThat(((Map<?, ?>) route.get("properties")).keySet()).map(Object::toString).containsExactlyInAnyOrder("description", "agent", "files", "services",
                "minutes", "reversible", "explain");
    }

    @Test
    void routesATaskAsTheCliDoes() throws Exception {
        McpSchema.CallToolResult result = call("route_task", Map.of("description",
                "Store card numbers for the payments service", "agent", "engineer-backend",
                "files", List.of("src/payments/cards.ts")));

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(result.structuredContent()).isEqualTo(cliJson("route", "--json", "--agent", "engineer-backend",
                "--files", "src/payments/cards.ts", "Store card numbers for the payments service"));
        assertThat(((Map<?, ?>) result.structuredContent()).get("humanReview")).isEqualTo(true);
    }

    @Test
    void refusesRouteArgumentsOutsideTheSchema() {
        McpSchema.CallToolResult missing = call("route_task", Map.of("agent", "engineer-backend"));
        McpSchema.CallToolResult negative = call("route_task", Map.of("description", "Fix a typo", "minutes", -5));
        McpSchema.CallToolResult unknown = call("route_task", Map.of("description", "Fix a typo", "approve", true));

        assertThat(missing.isError()).isTrue();
        assertThat(text(missing)).contains("description");
        assertThat(negative.isError()).isTrue();
        assertThat(text(negative)).contains("minimum");
        assertThat(unknown.isError()).isTrue();
        assertThat(text(unknown)).contains("approve");
    }

    @Test
    @SuppressWarnings("unchecked")
    void checksAndEstimatesAPlanAsTheCliDoes() throws Exception {
        McpSchema.CallToolResult check = call("plan_check", Map.of("file", "plan.yaml", "workers", 2));
        McpSchema.CallToolResult estimate = call("plan_estimate", Map.of("file", "plan.yaml"));

        assertThat(check.isError()).as(text(check)).isFalse();
        assertThat(check.structuredContent()).isEqualTo(cliJson("plan", "check", "--json", "--workers", "2", "plan.yaml"));
        assertThat(estimate.isError()).as(text(estimate)).isFalse();
        // the plan id is made from the clock; everything else is the CLI's document
        Map<String, Object> expected = new HashMap<>((Map<String, Object>) cliJson("plan", "--from", "plan.yaml",
                "--dry-run", "--json"));
        Map<String, Object> actual = new HashMap<>((Map<String, Object>) estimate.structuredContent());
        assertThat(actual.remove("plan")).asString().startsWith("plan-");
        expected.remove("plan");
        assertThat(actual).isEqualTo(expected);
        assertThat(repo.resolve("tasks/engineer-backend/pay-refund.md")).as("a dry run writes nothing").doesNotExist();
    }

    @Test
    void anInvalidPlanIsAToolErrorWithTheCliMessage() {
        Cli.Result direct = cli.run("plan", "check", "--json", "bad-plan.yaml");
        McpSchema.CallToolResult result = call("plan_check", Map.of("file", "bad-plan.yaml"));

        assertThat(direct.exitCode()).isNotZero();
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("nowhere").contains(direct.err().strip()).contains(direct.out().strip());
    }

    @Test
    void refusesPathsOutsideTheProject() {
        McpSchema.CallToolResult up = call("plan_check", Map.of("file", "../../etc/passwd"));
        McpSchema.CallToolResult absolute = call("protocol_show", Map.of("file", "/etc/passwd"));

        assertThat(up.isError()).isTrue();
        assertThat(text(up)).contains("must be a path inside the project");
        assertThat(absolute.isError()).isTrue();
        assertThat(text(absolute)).contains("must be a path inside the project");
    }

    @Test
    void reportsStatusCostBudgetAndReviewsAsTheCliDoes() throws Exception {
        Cli.Result noRun = cli.run("status", "--json");
        McpSchema.CallToolResult status = call("run_status", Map.of());
        McpSchema.CallToolResult budget = call("budget_status", Map.of());
        McpSchema.CallToolResult cost = call("cost_report", Map.of("day", "2026-12-07"));
        McpSchema.CallToolResult badDay = call("cost_report", Map.of("day", "yesterday"));
        McpSchema.CallToolResult review = call("review_queue", Map.of());
        McpSchema.CallToolResult showMissing = call("review_show", Map.of("task", "feat-404"));

        assertThat(status.isError()).isEqualTo(noRun.exitCode() != 0);
        assertThat(text(status)).contains((noRun.exitCode() == 0 ? noRun.out() : noRun.err()).strip());
        assertThat(budget.isError()).as(text(budget)).isFalse();
        assertThat(((Map<?, ?>) budget.structuredContent()).keySet())
                .isEqualTo(((Map<?, ?>) cliJson("budget", "--json")).keySet());
        assertThat(cost.isError()).as(text(cost)).isFalse();
        assertThat(cost.structuredContent()).isEqualTo(cliJson("cost", "--json", "--day", "2026-12-07"));
        assertThat(badDay.isError()).isTrue();
        assertThat(text(badDay)).contains("pattern");
        Cli.Result reviewCli = cli.run("review");
        assertThat(review.isError()).isEqualTo(reviewCli.exitCode() != 0);
        assertThat(text(review)).isEqualTo((reviewCli.err() + reviewCli.out()).strip());
        assertThat(showMissing.isError()).isTrue();
        assertThat(text(showMissing)).isEqualTo(cli.run("review", "show", "feat-404").err().strip());
    }

    /** A scripted turn of the agent of {@code task}: the tool call {@code tool} with {@code input}. */
    private static String scripted(String task, int turn, String tool, Map<String, Object> input) throws Exception {
        Map<String, Object> response = Map.of("id", "msg_" + turn, "type", "message", "role", "assistant",
                "model", "claude-sonnet-4-5", "stop_reason", "tool_use",
                "content", List.of(Map.of("type", "tool_use", "id", "toolu_" + turn, "name", tool, "input", input)),
                "usage", Map.of("input_tokens", 1000, "output_tokens", 100));
        return JSON.writeValueAsString(Map.of("key", task, "response", response));
    }

    /**
     * A run whose payment task waits for a person (a scripted agent, no API): the run's status and the task's review
     * through MCP are what the CLI prints for them.
     */
    @Test
    void showsARunsStatusAndATaskAwaitingReviewAsTheCliDoes() throws Exception {
        Files.writeString(repo.resolve("review-plan.yaml"), PLAN.substring(0, PLAN.indexOf("  - id: doc-refund")));
        Files.writeString(repo.resolve("review-script.jsonl"), String.join("\n",
                scripted("pay-refund", 1, "write_file", Map.of("path", "src/services/payments.ts",
                        "content", "export const refund = (paid: number, asked: number) => Math.min(paid, asked);\n")),
                scripted("pay-refund", 2, "complete_task", Map.of("summary", "Added partial refunds."))) + "\n");
        Cli.Result run = cli.run("run", "--plan", "review-plan.yaml", "--script", "review-script.jsonl", "--no-board");
        assertThat(run.out()).as(run.out() + run.err()).contains("pay-refund waits for a person");
        String runId = JSON.readTree(cli.run("status", "--json").out()).path("run").asText();

        McpSchema.CallToolResult status = call("run_status", Map.of("run", runId));
        McpSchema.CallToolResult review = call("review_show", Map.of("task", "pay-refund"));

        assertThat(status.isError()).as(text(status)).isFalse();
        assertThat(JSON.valueToTree(status.structuredContent()).path("tasks"))
                .isEqualTo(JSON.readTree(cli.run("status", "--json", "--run", runId).out()).path("tasks"));
        assertThat(JSON.valueToTree(status.structuredContent()).path("tasks").get(0).path("state").asText())
                .isEqualTo("awaiting_review");
        Cli.Result reviewCli = cli.run("review", "show", "pay-refund");
        assertThat(reviewCli.exitCode()).as(reviewCli.err()).isZero();
        assertThat(review.isError()).as(text(review)).isFalse();
        assertThat(text(review).strip()).isEqualTo(reviewCli.out().strip()).contains("src/services/payments.ts");
    }

    @Test
    void writesATaskFileThroughTheProtocolsValidationAndShowsIt() throws Exception {
        McpSchema.CallToolResult written = call("write_protocol_file",
                Map.of("path", "tasks/engineer-backend/feat-042.md", "content", TASK));
        McpSchema.CallToolResult again = call("write_protocol_file",
                Map.of("path", "tasks/engineer-backend/feat-042.md", "content", TASK));
        McpSchema.CallToolResult shown = call("protocol_show", Map.of("file", "tasks/engineer-backend/feat-042.md"));
        McpSchema.CallToolResult checked = call("protocol_check", Map.of("paths", List.of("tasks")));

        assertThat(written.isError()).as(text(written)).isFalse();
        assertThat(repo.resolve("tasks/engineer-backend/feat-042.md")).hasContent(TASK.strip());
        assertThat(again.isError()).isTrue();
        assertThat(text(again)).contains("exists already");
        assertThat(shown.structuredContent()).isEqualTo(cliJson("protocol", "show", "--json",
                "tasks/engineer-backend/feat-042.md"));
        assertThat(checked.isError()).as(text(checked)).isFalse();
        assertThat(checked.structuredContent()).isEqualTo(Map.of("items", cliJson("protocol", "check", "--json", "tasks")));
    }

    @Test
    void refusesAnInvalidBlockedFileAndEveryOtherKindOfFile() {
        String blocked = """
                # Blocked: feat-043
                Agent: engineer-backend
                Blocked Since: yesterday
                Type: dependency

                ## Problem
                The refunds table is not there yet.

                ## Need From Conductor
                Schedule the migration first.
                """;
        McpSchema.CallToolResult invalid = call("write_protocol_file",
                Map.of("path", "blocked/engineer-backend/feat-043-conflict.md", "content", blocked));
        McpSchema.CallToolResult valid = call("write_protocol_file",
                Map.of("path", "blocked/engineer-backend/feat-043-conflict.md",
                        "content", blocked.replace("yesterday", "2026-12-07T09:00:00Z")));
        McpSchema.CallToolResult complete = call("write_protocol_file",
                Map.of("path", "complete/engineer-backend/feat-043-done.md", "content", "# Complete: feat-043\n"));
        McpSchema.CallToolResult git = call("write_protocol_file", Map.of("path", ".git/hooks/pre-commit", "content", "x"));

        assertThat(invalid.isError()).isTrue();
        assertThat(text(invalid)).contains("blocked/engineer-backend/feat-043-conflict.md:3: ")
                .contains("Blocked Since").contains("nothing written");
        assertThat(valid.isError()).as(text(valid)).isFalse();
        assertThat(repo.resolve("blocked/engineer-backend/feat-043-conflict.md")).exists();
        assertThat(complete.isError()).isTrue();
        assertThat(text(complete)).contains("only task files (tasks/) and blocked files (blocked/) may be written");
        assertThat(repo.resolve("complete/engineer-backend/feat-043-done.md")).doesNotExist();
        assertThat(git.isError()).isTrue();
        assertThat(repo.resolve(".git/hooks/pre-commit")).doesNotExist();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyToolRefusesAnUnknownArgumentAndAMissingRequiredOneAsAToolError() {
        for (McpSchema.Tool tool : client.listTools().tools()) {
            McpSchema.CallToolResult unknown = call(tool.name(), Map.of("bogus", 1));
            assertThat(unknown.isError()).as(tool.name()).isTrue();
            assertThat(text(unknown)).as(tool.name()).contains("bogus");
            for (Object required : (List<Object>) tool.inputSchema().getOrDefault("required", List.of())) {
                McpSchema.CallToolResult missing = call(tool.name(), Map.of());
                assertThat(missing.isError()).as(tool.name()).isTrue();
                assertThat(text(missing)).as(tool.name()).contains(required.toString());
            }
        }
    }

    @Test
    void aMissingPlanOrAnUnknownRunIsAToolErrorWithTheCliMessage() {
        McpSchema.CallToolResult estimate = call("plan_estimate", Map.of("file", "no-such-plan.yaml"));
        McpSchema.CallToolResult status = call("run_status", Map.of("run", "run-19990101-000000"));
        Cli.Result statusCli = cli.run("status", "--run", "run-19990101-000000");

        assertThat(estimate.isError()).isTrue();
        assertThat(text(estimate)).contains("no-such-plan.yaml");
        assertThat(status.isError()).isTrue();
        assertThat(statusCli.exitCode()).isNotZero();
        assertThat(text(status)).contains(statusCli.err().strip());
    }

    @Test
    void everyToolAnswersWithoutStdoutNoise() {
        // the server still answers after all of the above: nothing a command printed broke the stdio framing
        assertThat(client.ping()).isNotNull();
        Set<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).collect(Collectors.toSet());
        assertThat(names).hasSize(11);
    }
}
