package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** `kleiber run` killed with SIGKILL while an agent works; `kleiber resume` finishes the run, merging each task once. */
class ConductorResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aRunKilledMidTaskResumesWithEveryTaskMergedOnceAndNothingLeftOpen() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve("package.json"), "{\"name\":\"x\",\"type\":\"module\",\"private\":true}\n");
        Cli.Result init = new Cli(repo).run("init");
        assertThat(init.exitCode()).as(init.err()).isZero();
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]"));
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: add-sum
                    title: Sum helper
                    agent: engineer-backend
                    description: Add a sum helper in src/services/sum.js.
                    acceptance: [sums numbers]
                    priority: p1
                  - id: add-mean
                    title: Mean helper
                    agent: engineer-backend
                    description: Add a mean helper in src/services/mean.js using sum.
                    acceptance: [averages numbers]
                    depends_on: [add-sum]
                    priority: p1
                """);
        List<String> script = new ArrayList<>();
        // the first turn runs a slow command: the kill lands while the agent works
        script.add(Turns.line("add-sum", Turns.tool("run_command", JSON.createObjectNode().put("command", "sleep 4"))));
        script.add(Turns.line("add-sum", Turns.tool("write_file", JSON.createObjectNode().put("path", "src/services/sum.js")
                .put("content", "export function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n"))));
        script.add(Turns.line("add-sum", Turns.tool("complete_task", JSON.createObjectNode().put("summary", "Added sum."))));
        script.add(Turns.line("add-mean", Turns.tool("write_file", JSON.createObjectNode().put("path", "src/services/mean.js")
                .put("content", "import { sum } from './sum.js';\n\nexport function mean(xs) {\n  return sum(xs) / xs.length;\n}\n"))));
        script.add(Turns.line("add-mean", Turns.tool("complete_task", JSON.createObjectNode().put("summary", "Added mean."))));
        Files.writeString(repo.resolve("script.jsonl"), String.join("\n", script) + "\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "project");

        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.kleiber.cli.Main",
                "run", "--plan", "plan.yaml", "--script", "script.jsonl")
                .directory(repo.toFile()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String lineRead;
            while ((lineRead = out.readLine()) != null && !lineRead.contains("add-sum: running")) {
                // wait for the agent to start
            }
            Thread.sleep(1500);
        }
        child.destroyForcibly();
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();

        // a minute later the dead process's leases have expired
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), later));
        Cli.Result resume = cli.run("resume", "--script", "script.jsonl");

        assertThat(resume.exitCode()).as(resume.out() + resume.err()).isZero();
        assertThat(resume.out()).contains("add-sum: reclaimed").contains("every task is merged.");
        assertThat(GitRepos.git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Task,valueonly)")
                .lines().filter(l -> !l.isBlank()).sorted().toList()).containsExactly("add-mean", "add-sum");
        assertThat(GitRepos.git(repo, "worktree", "list").lines().count()).isEqualTo(1);

        Cli.Result status = cli.run("status", "--json");
        var json = JSON.readTree(status.out());
        assertThat(json.path("tasks").findValuesAsText("state")).containsOnly("merged");
        assertThat(json.path("budget").path("reservedUsd").decimalValue()).isZero();
        Cli.Result again = cli.run("resume", "--script", "script.jsonl");
        assertThat(again.out()).contains("every task is merged.").doesNotContain("running:");
    }
}
