package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.testutil.GitRepos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The conductor's whole per-task cost on the real path, behind {@code bench/real-path.sh}: {@code kleiber run
 * --plan} in-process on a real git repository, with a scripted model that answers each task at once with one
 * write_file and complete_task. Each task gets a worktree and branch, a commit with trailers, validation (naming
 * rules, no commands), a merge into main, protocol files, ledger rows and its orchestration_log.md row, so the wall
 * time per task is Kleiber's own overhead around an agent.
 */
public final class RealPathBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RealPathBench() {
    }

    public static void main(String[] args) throws IOException {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int[] workers = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 4};
        Path dir = Files.createTempDirectory("kleiber-real-path-bench");
        System.out.printf(Locale.ROOT, "## Real path: %d trivial tasks (a tenth depend on the one before), git + SQLite, Java %s%n%n",
                tasks, Runtime.version());
        run(dir.resolve("warm-up"), 5, 2);
        // bench/real-path.sh puts a logging git first on PATH: one line per git process this JVM starts
        Optional<Path> gitLog = Optional.ofNullable(System.getProperty("bench.gitLog")).map(Path::of);
        System.out.println("| workers | wall s | ms per task | ms per task x workers | git processes per task |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (int w : workers) {
            long gitBefore = lines(gitLog);
            double seconds = run(dir.resolve("run-" + w), tasks, w);
            String git = gitLog.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", (lines(gitLog) - gitBefore) / (double) tasks);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.0f | %.0f | %s |%n", w, seconds, 1000 * seconds / tasks,
                    1000 * seconds * w / tasks, git);
        }
    }

    private static long lines(Optional<Path> file) throws IOException {
        if (file.isEmpty() || !Files.exists(file.get())) {
            return 0;
        }
        try (var lines = Files.lines(file.get())) {
            return lines.count();
        }
    }

    /** Seconds {@code kleiber run} took for {@code tasks} trivial tasks on {@code workers}; every task must merge. */
    static double run(Path dir, int tasks, int workers) throws IOException {
        Path repo = GitRepos.init(dir);
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        Cli.Result init = cli.run("init");
        if (init.exitCode() != 0) {
            throw new IllegalStateException("kleiber init failed: " + init.err());
        }
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "under kleiber");
        StringBuilder plan = new StringBuilder("tasks:\n");
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < tasks; i++) {
            String id = String.format(Locale.ROOT, "task-%03d", i);
            plan.append("  - id: ").append(id).append("\n    title: Task ").append(i)
                    .append("\n    agent: engineer-backend\n    description: Add src/services/task").append(i)
                    .append(".js.\n    acceptance: [it exists]\n    priority: p1\n    model: haiku\n");
            if (i % 10 == 9) {
                plan.append("    depends_on: [").append(String.format(Locale.ROOT, "task-%03d", i - 1)).append("]\n");
            }
            script.append(answer(id, "src/services/task" + i + ".js", "export const task" + i + " = " + i + ";\n"))
                    .append('\n');
        }
        Files.writeString(repo.resolve("plan.yaml"), plan);
        Files.writeString(dir.resolveSibling(dir.getFileName() + ".jsonl"), script);
        long start = System.nanoTime();
        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", String.valueOf(workers),
                "--script", dir.resolveSibling(dir.getFileName() + ".jsonl").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (run.exitCode() != 0 || !run.out().contains(tasks + " merged")) {
            throw new IllegalStateException("the run did not merge every task:\n" + run.out() + run.err());
        }
        return seconds;
    }

    private static String answer(String key, String path, String content) {
        ObjectNode response = JSON.createObjectNode();
        response.put("id", "msg_" + key);
        response.put("type", "message");
        response.put("role", "assistant");
        response.put("model", "claude-3-haiku-20240307");
        ArrayNode blocks = response.putArray("content");
        ObjectNode write = blocks.addObject();
        write.put("type", "tool_use").put("id", "toolu_w_" + key).put("name", "write_file");
        write.putObject("input").put("path", path).put("content", content);
        ObjectNode complete = blocks.addObject();
        complete.put("type", "tool_use").put("id", "toolu_c_" + key).put("name", "complete_task");
        complete.putObject("input").put("summary", "Added " + path + ".");
        response.put("stop_reason", "tool_use");
        response.putNull("stop_sequence");
        ObjectNode usage = response.putObject("usage");
        usage.put("input_tokens", 1200).put("output_tokens", 80)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0);
        ObjectNode line = JSON.createObjectNode();
        line.put("key", key);
        line.set("response", response);
        return line.toString();
    }
}
