package dev.kleiber.cli;

import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kleiber run "REQUEST"}: the conductor plans, the architect approves, the plan runs and merges. */
class RunRequestCommandTest {
    @TempDir
    Path tmp;

    private static String response(String key, String id, String toolName, String inputJson) {
        return "{\"key\":\"" + key + "\",\"response\":{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-opus-4-1\",\"content\":[{\"type\":\"tool_use\",\"id\":\"tu_" + id + "\",\"name\":\""
                + toolName + "\",\"input\":" + inputJson + "}],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":1500,\"output_tokens\":120}}}\n";
    }

    @Test
    void aRequestIsPlannedReviewedAndRun() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
        Files.writeString(repo.resolve("script.jsonl"),
                response("conductor", "m1", "submit_plan", """
                        {"tasks":[{"id":"doc-001","title":"Write the getting started notes","agent":"scribe",\
                        "description":"Write docs/getting-started.md for new contributors.",\
                        "acceptance":["docs/getting-started.md explains how to run the tests"],\
                        "depends_on":[],"priority":"p2"}]}""")
                        + response("architect", "m2", "review_plan", "{\"approved\":true,\"feedback\":\"Small and clear.\"}")
                        + response("doc-001", "m3", "write_file",
                        "{\"path\":\"docs/getting-started.md\",\"content\":\"# Getting started\\n\\nRun the tests.\\n\"}")
                        + response("doc-001", "m4", "complete_task", "{\"summary\":\"Wrote the getting started notes.\"}"));
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));

        Cli.Result run = cli.run("run", "Write getting started notes for contributors", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("planning: the conductor drafts a plan on claude-opus-5-5")
                .contains("plan approved after 1 review round").contains("SCRIPTED")
                .contains("1 task from the conductor's plan").contains("every task is merged.");
        assertThat(repo.resolve("docs/getting-started.md")).content().startsWith("# Getting started");
        assertThat(repo.resolve("tasks/scribe/doc-001.md")).content().contains("Model: haiku");
        com.fasterxml.jackson.databind.JsonNode cost = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(cli.run("cost", "--json").out());
        assertThat(cost.path("calls").asLong()).as("conductor, architect and two agent turns").isEqualTo(4);
    }

    @Test
    void aRequestAndAPlanTogetherAreBadUsage() {
        Path repo = GitRepos.init(tmp.resolve("repo"));

        Cli.Result run = new Cli(repo).run("run", "Do things", "--plan", "plan.yaml");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("say what to do");
    }
}
