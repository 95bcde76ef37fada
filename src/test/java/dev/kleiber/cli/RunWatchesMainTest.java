package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.NodeShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber run} validates main every {@code validate.main_every} while it works: here every second, on a
 * main whose test fails, while the only agent waits (through its own command) until main has been checked.
 */
class RunWatchesMainTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aBrokenMainIsPrintedDuringTheRunAndShownByStatus() throws Exception {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        // sandbox none: the agent's command must see the report Kleiber writes in the checkout, outside its worktree
        Files.writeString(config, Files.readString(config).replace("main_every: 30m", "main_every: 1s")
                .replace("sandbox: bwrap", "sandbox: none"));
        GitRepos.git(repo, "commit", "-q", "-am", "validate main every second");
        NodeShop.breakMain(repo);
        String broken = GitRepos.git(repo, "rev-parse", "main").strip();
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: multiply
                    title: Multiply
                    agent: engineer-backend
                    description: Add a multiply function in src/services/multiply.js.
                    acceptance: [multiplies two numbers]
                """);
        Path report = repo.resolve("reports/main-validation.md");
        String waitForMainCheck = "for i in $(seq 1 600); do if [ -f '" + report + "' ]; then sleep 1; exit 0; fi; "
                + "sleep 0.1; done; exit 1";
        Files.writeString(repo.resolve("script.jsonl"),
                turn("run_command", JSON.createObjectNode().put("command", waitForMainCheck)) + "\n"
                        + turn("report_blocked", JSON.createObjectNode().put("type", "technical")
                        .put("problem", "main's tests fail before I change anything").put("need", "a green main")) + "\n");
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));

        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("\\d\\d:\\d\\d:\\d\\d MAIN IS BROKEN at " + broken.substring(0, 12)
                + ": test \\(`node --test` exited with 1\\) \\(see reports/main-validation.md\\)");
        assertThat(report).content().contains("Result: failed").contains("Commit: " + broken);

        Cli.Result status = cli.run("status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).containsPattern("main, last checked \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ: failed at "
                + broken.substring(0, 12) + ": test \\(`node --test` exited with 1\\); see reports/main-validation.md");
        JsonNode json = JSON.readTree(cli.run("status", "--json").out());
        assertThat(json.path("main").path("result").asText()).isEqualTo("failed");
        assertThat(json.path("main").path("detail").asText()).startsWith("failed at " + broken.substring(0, 12));
        // the watch stopped with the run and left no worktree of main behind
        assertThat(GitRepos.git(repo, "worktree", "list")).doesNotContain("_main-");
    }

    /** One Messages API response calling {@code tool}, keyed to the task. */
    private static String turn(String tool, ObjectNode input) {
        ObjectNode response = JSON.createObjectNode().put("id", "msg_" + tool).put("type", "message")
                .put("role", "assistant").put("model", "claude-sonnet-4-5");
        response.putArray("content").addObject().put("type", "tool_use").put("id", "toolu_" + tool).put("name", tool)
                .set("input", input);
        response.put("stop_reason", "tool_use").putNull("stop_sequence");
        response.putObject("usage").put("input_tokens", 1000).put("output_tokens", 100);
        ObjectNode line = JSON.createObjectNode().put("key", "multiply");
        line.set("response", response);
        return line.toString();
    }
}
