package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber run} SIGKILLed at a random moment picked by a seed — while the plan is recorded, an agent works,
 * the validator's {@code node --test} runs, git commits or merges, the scribe writes — and then {@code kleiber
 * resume}d (itself killed once more for some seeds) until the run finishes. After every seed the resume invariants
 * must hold: each task merged exactly once, no task completed twice, no worktree, lease or reservation left
 * behind, the ledger billing each scripted call once and orchestration_log.md agreeing with it, the user's
 * checkout clean and every protocol file whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConductorCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** At least 20 seeds; {@code -Dkleiber.crash.from=N -Dkleiber.crash.seeds=M} replays others (e.g. one that failed). */
    private static final long FROM = Long.getLong("kleiber.crash.from", 1);
    private static final long SEEDS = Math.max(1, Long.getLong("kleiber.crash.seeds", 20));
    private static final List<String> TASKS = List.of("add-sum", "add-max", "add-mean", "add-stats");
    private static final Pattern LOG_ROW = Pattern.compile(
            "^\\| (\\S+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\| (\\d+) \\| (\\d+) \\| \\$([0-9.]+) \\|$");

    private Path base;
    private long calibratedMillis;
    private int calibratedEvents;
    private final Map<Long, String> killReport = Collections.synchronizedMap(new TreeMap<>());
    private final long started = System.nanoTime();

    @BeforeAll
    void measureAnUninterruptedRun() throws Exception {
        base = Files.createTempDirectory("kleiber-crash");
        Path repo = project(base.resolve("calibration"));
        long t0 = System.nanoTime();
        Child run = Child.start(repo, "run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");
        int code = run.waitFor(120);
        calibratedMillis = (System.nanoTime() - t0) / 1_000_000;
        calibratedEvents = run.events().size();
        System.out.println("[crash] an uninterrupted run takes " + calibratedMillis + " ms:\n" + run.output());
        assertThat(code).as(run.output()).isZero();
        assertThat(run.output()).contains("every task is merged.");
        assertInvariants(repo);
    }

    @AfterAll
    void printKillPoints() throws IOException {
        System.out.println("[crash] " + killReport.size() + " seeds, " + (System.nanoTime() - started) / 1_000_000
                + " ms in all; kill points:");
        killReport.forEach((seed, text) -> System.out.println("[crash] seed " + seed + ": " + text));
        Map<String, Long> phases = new TreeMap<>();
        killReport.values().forEach(text -> {
            Matcher m = Pattern.compile("phase=([a-z-]+)").matcher(text);
            while (m.find()) {
                phases.merge(m.group(1), 1L, Long::sum);
            }
        });
        System.out.println("[crash] phases hit: " + phases);
        deleteTree(base);
    }

    static LongStream seeds() {
        return LongStream.range(FROM, FROM + SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aRunKilledAtARandomMomentResumesToTheSameEnd(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Path repo = project(base.resolve("seed-" + seed));
        List<String> kills = new ArrayList<>();

        Child run = Child.start(repo, "run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");
        if (seed % 2 == 1) {
            // odd seeds: a moment in the seed's own slice of the measured run, so that the seeds cover all of it
            long slice = calibratedMillis / 10;
            long at = ((seed - 1) / 2 % 10) * slice + random.nextLong(slice * 9 / 10 + 1);
            kills.add("run " + run.killAfter(at));
        } else {
            // even seeds: just after the N-th event the run printed, whatever it was doing then
            // (the last two lines are the closing report: a kill there would hit a finished run)
            kills.add("run " + run.killAfterEvent(1 + random.nextInt(calibratedEvents - 2), random.nextLong(400)));
        }
        // some seeds crash the resume as well, earlier in its (shorter) life
        if (random.nextInt(3) == 0) {
            Child resume = Child.start(repo, "resume", "--workers", "2", "--script", "script.jsonl");
            kills.add("resume " + resume.killAfterEvent(1 + random.nextInt(6), random.nextLong(400)));
        }
        killReport.put(seed, String.join("; ", kills));

        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        Cli.Result resume = cli.run("resume", "--workers", "2", "--script", "script.jsonl");
        if (resume.exitCode() == 2 && resume.err().contains("no run yet")) {
            // killed before the run was recorded: nothing was done, and the user starts it again
            assertThat(GitRepos.git(repo, "log", "main", "--format=%s").lines().count()).isEqualTo(2);
            kills.add("no run recorded: started again");
            killReport.put(seed, String.join("; ", kills));
            resume = cli.run("run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");
        }
        assertThat(resume.exitCode()).as(kills + "\n" + resume.out() + resume.err()).isZero();
        assertThat(resume.out()).as(kills.toString()).contains("every task is merged.");

        // resuming a finished run changes nothing: the invariants below hold after both
        Cli.Result again = cli.run("resume", "--workers", "2", "--script", "script.jsonl");
        assertThat(again.out()).as(kills.toString()).contains("every task is merged.").doesNotContain("running:");
        assertInvariants(repo);
    }

    private void assertInvariants(Path repo) throws Exception {
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        JsonNode status = JSON.readTree(cli.run("status", "--json").out());
        String runId = status.path("run").asText();
        Map<String, String> states = new TreeMap<>();
        status.path("tasks").forEach(t -> states.put(t.path("id").asText(), t.path("state").asText()));
        assertThat(states).as("every task merged").containsOnlyKeys(TASKS).allSatisfy((id, state) -> assertThat(state).isEqualTo("merged"));
        assertThat(status.path("budget").path("reservedUsd").decimalValue()).as("reserved").isZero();

        // each task's work merged exactly once, as one merge commit on main's first-parent line
        List<String> merges = GitRepos.git(repo, "log", "main", "--first-parent", "--merges",
                "--format=%(trailers:key=Kleiber-Task,valueonly)").lines().filter(l -> !l.isBlank()).sorted().toList();
        assertThat(merges).as("merge commits per task").containsExactlyElementsOf(TASKS.stream().sorted().toList());
        assertThat(GitRepos.git(repo, "log", "main", "--first-parent", "--no-merges",
                "--format=%(trailers:key=Kleiber-Task,valueonly)").lines().filter(l -> !l.isBlank()).toList())
                .as("no task's work lands on main other than by its merge").isEmpty();
        for (String file : List.of("sum", "max", "mean", "stats")) {
            assertThat(GitRepos.git(repo, "ls-tree", "--name-only", "main", "src/services/")).contains(file + ".js");
        }

        // the user's checkout is main, clean of tracked changes, without a merge in progress or a lock left
        assertThat(GitRepos.git(repo, "symbolic-ref", "--short", "HEAD").strip()).isEqualTo("main");
        List<String> dirty = GitRepos.git(repo, "status", "--porcelain", "--untracked-files=all").lines()
                .filter(l -> !isKleibersOwn(l.substring(3))).toList();
        assertThat(dirty).as("the main checkout holds only Kleiber's own files besides the project").isEmpty();
        assertThat(GitRepos.git(repo, "diff", "HEAD", "--name-only", "--", "src", "package.json").strip()).isEmpty();
        try (Stream<Path> locks = Files.walk(repo.resolve(".git"))) {
            assertThat(locks.filter(p -> p.getFileName().toString().endsWith(".lock")).toList()).as("git locks").isEmpty();
        }
        assertThat(repo.resolve(".git/MERGE_HEAD")).doesNotExist();

        // no worktree but the checkout, and nothing left on disk under .kleiber/worktrees
        List<String> worktrees = GitRepos.git(repo, "worktree", "list", "--porcelain").lines()
                .filter(l -> l.startsWith("worktree ")).map(l -> l.substring("worktree ".length())).toList();
        assertThat(worktrees).as("worktrees").hasSize(1)
                .allSatisfy(w -> assertThat(Path.of(w).toRealPath()).isEqualTo(repo.toRealPath()));
        try (Stream<Path> left = Files.list(repo.resolve(".kleiber/worktrees"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("worktree folders").isEmpty();
        }

        // every protocol file is whole, none half-written, and each task completed once
        ProtocolParser parser = new ProtocolParser(Set.of("engineer-backend"));
        for (String folder : List.of("tasks", "progress", "complete", "blocked")) {
            try (Stream<Path> files = Files.walk(repo.resolve(folder))) {
                for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.endsWith(".gitkeep")).toList()) {
                    assertThat(file.getFileName().toString()).as("stray file " + file).endsWith(".md").doesNotStartWith(".");
                    assertThat(parser.parse(Files.readString(file))).as(file.toString()).isInstanceOf(ParseResult.Parsed.class);
                }
            }
        }
        try (Stream<Path> done = Files.list(repo.resolve("complete/engineer-backend"))) {
            assertThat(done.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactlyElementsOf(TASKS.stream().sorted().map(t -> t + "-done.md").toList());
        }
        String changelog = Files.readString(repo.resolve("CHANGELOG.md"));
        for (String task : TASKS) {
            assertThat(changelog.lines().filter(l -> l.endsWith("(" + task + ")")).count()).as("CHANGELOG entries of " + task).isEqualTo(1);
        }

        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve(".kleiber/state.db"))) {
            // the store: one merge per task, nothing leased, no lease or reservation left over
            Map<String, Long> merged = counts(db, "SELECT task_id, COUNT(*) FROM events WHERE run_id = '" + runId
                    + "' AND kind = 'task.merged' GROUP BY task_id");
            assertThat(merged).as("task.merged events").containsOnlyKeys(TASKS).allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
            assertThat(number(db, "SELECT COUNT(*) FROM leases WHERE subject IS NOT NULL")).as("task leases").isZero();
            assertThat(number(db, "SELECT COUNT(*) FROM reservations")).as("reservations left").isZero();

            // the ledger bills each scripted call once: within an attempt no response is billed twice, every attempt
            // billed is one the store started, and the attempt that merged billed exactly its task's script
            List<String[]> calls = rows(db, "SELECT task_id, attempt, request_id, cost_pusd FROM ledger WHERE run_id = '"
                    + runId + "'").stream().map(c -> new String[] {c[0], c[1], c[2].replaceFirst("^scripted:.*/", ""), c[3]})
                    .toList();
            Map<String, Long> perCall = new HashMap<>();
            calls.forEach(c -> perCall.merge(c[0] + "#" + c[1] + "#" + c[2], 1L, Long::sum));
            assertThat(perCall).as("ledger rows per (task, attempt, scripted response)")
                    .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
            Set<String> attempts = Set.copyOf(rows(db, "SELECT task_id || '#' || attempt FROM attempts WHERE run_id = '"
                    + runId + "'").stream().map(r -> r[0]).toList());
            assertThat(calls).allSatisfy(c -> assertThat(attempts).contains(c[0] + "#" + c[1]));
            Map<String, String> mergedAttempt = new HashMap<>();
            GitRepos.git(repo, "log", "main", "--first-parent", "--merges",
                    "--format=%(trailers:key=Kleiber-Task,valueonly,separator=)%x09%(trailers:key=Kleiber-Attempt,valueonly,separator=)")
                    .lines().filter(l -> l.contains("\t")).forEach(l -> mergedAttempt.put(l.split("\t")[0].strip(), l.split("\t")[1].strip()));
            for (String task : TASKS) {
                List<String> billed = calls.stream().filter(c -> c[0].equals(task) && c[1].equals(mergedAttempt.get(task)))
                        .map(c -> c[2]).sorted().toList();
                assertThat(billed).as("calls billed to the merged attempt of " + task).containsExactlyElementsOf(scriptLines(task));
            }

            // orchestration_log.md: one row per session the ledger holds, with the ledger's totals
            List<String[]> sessions = rows(db, "SELECT task_id, SUM(input_tokens + cache_write_5m_tokens + "
                    + "cache_write_1h_tokens + cache_read_tokens), SUM(output_tokens), SUM(cost_pusd) FROM ledger WHERE run_id = '"
                    + runId + "' GROUP BY task_id, attempt ORDER BY task_id, attempt");
            List<String> expected = sessions.stream().map(s -> s[0] + " " + s[1] + " " + s[2]).sorted().toList();
            List<String> logged = new ArrayList<>();
            for (String line : Files.readString(repo.resolve("orchestration_log.md")).lines().toList()) {
                Matcher m = LOG_ROW.matcher(line);
                if (m.matches() && !m.group(1).equals("Timestamp")) {
                    logged.add(m.group(3).strip() + " " + m.group(5) + " " + m.group(6));
                }
            }
            Collections.sort(logged);
            assertThat(logged).as("orchestration_log.md rows against the ledger's sessions").isEqualTo(expected);
            // and its latest Daily Summary totals the whole ledger (the test's ledger holds this run only)
            String total = Files.readString(repo.resolve("orchestration_log.md")).lines()
                    .filter(l -> l.startsWith("- **Total: $")).reduce((a, b) -> b).orElseThrow()
                    .replaceAll("[^0-9.]", "");
            java.math.BigDecimal billed = new java.math.BigDecimal(rows(db, "SELECT COALESCE(SUM(cost_pusd), 0) FROM ledger")
                    .getFirst()[0]).movePointLeft(12).setScale(2, java.math.RoundingMode.HALF_UP);
            assertThat(new java.math.BigDecimal(total)).as("Daily Summary total").isEqualByComparingTo(billed);
        }
    }

    private static boolean isKleibersOwn(String path) {
        return Stream.of("tasks/", "progress/", "complete/", "blocked/", "reports/", "docs/decisions/")
                .anyMatch(path::startsWith)
                || Set.of("CHANGELOG.md", "PROGRESS.md", "orchestration_log.md").contains(path);
    }

    /** The script lines (request ids) one full attempt at {@code task} consumes. */
    private static List<String> scriptLines(String task) {
        List<String> lines = new ArrayList<>();
        List<String> script = script();
        for (int i = 0; i < script.size(); i++) {
            if (script.get(i).contains("\"key\":\"" + task + "\"")) {
                lines.add("script.jsonl:" + (i + 1));
            }
        }
        return lines.stream().sorted().toList();
    }

    private static Map<String, Long> counts(Connection db, String sql) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        rows(db, sql).forEach(r -> out.put(r[0], Long.parseLong(r[1])));
        return out;
    }

    private static long number(Connection db, String sql) throws Exception {
        return Long.parseLong(rows(db, sql).getFirst()[0]);
    }

    private static List<String[]> rows(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<String[]> out = new ArrayList<>();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
            return out;
        }
    }

    /** A repository holding a tiny Node project whose `node --test` is the validator, a 4-task plan and its script. */
    private static Path project(Path dir) throws IOException {
        Path repo = GitRepos.init(dir);
        Files.writeString(repo.resolve("package.json"), "{\"name\":\"stats\",\"type\":\"module\",\"private\":true}\n");
        Cli.Result init = new Cli(repo).run("init");
        assertThat(init.exitCode()).as(init.err()).isZero();
        Files.writeString(repo.resolve(".kleiber/kleiber.yaml"), Files.readString(repo.resolve(".kleiber/kleiber.yaml"))
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]"));
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: add-sum
                    title: Sum helper
                    agent: engineer-backend
                    description: Add a sum helper in src/services/sum.js with a test.
                    acceptance: [sums numbers]
                    priority: p1
                  - id: add-max
                    title: Max helper
                    agent: engineer-backend
                    description: Add a max helper in src/services/max.js with a test.
                    acceptance: [finds the largest number]
                    priority: p2
                  - id: add-mean
                    title: Mean helper
                    agent: engineer-backend
                    description: Add a mean helper in src/services/mean.js using sum, with a test.
                    acceptance: [averages numbers]
                    depends_on: [add-sum]
                    priority: p1
                  - id: add-stats
                    title: Stats summary
                    agent: engineer-backend
                    description: Add a stats summary in src/services/stats.js using sum and max, with a test.
                    acceptance: [summarises numbers]
                    depends_on: [add-sum, add-max]
                    priority: p1
                """);
        Files.writeString(repo.resolve("script.jsonl"), String.join("\n", script()) + "\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "project");
        return repo;
    }

    private static List<String> script() {
        List<String> script = new ArrayList<>();
        module(script, "add-sum", "sum", "export function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n",
                "import { sum } from './sum.js';\n", "sum([1, 2, 3])", "6");
        module(script, "add-max", "max", "export function max(xs) {\n  return Math.max(...xs);\n}\n",
                "import { max } from './max.js';\n", "max([1, 5, 3])", "5");
        module(script, "add-mean", "mean", "import { sum } from './sum.js';\n\nexport function mean(xs) {\n  return sum(xs) / xs.length;\n}\n",
                "import { mean } from './mean.js';\n", "mean([1, 2, 3])", "2");
        module(script, "add-stats", "stats", "import { sum } from './sum.js';\nimport { max } from './max.js';\n\n"
                        + "export function stats(xs) {\n  return { sum: sum(xs), max: max(xs) };\n}\n",
                "import { stats } from './stats.js';\n", "stats([1, 2, 3]).max", "3");
        return script;
    }

    private static void module(List<String> script, String task, String name, String source, String importLine,
                               String call, String result) {
        String path = "src/services/" + name + ".js";
        script.add(Turns.line(task, Turns.tool("write_file", JSON.createObjectNode().put("path", path).put("content", source))));
        script.add(Turns.line(task, Turns.tool("write_file", JSON.createObjectNode().put("path", "src/services/" + name + ".test.js")
                .put("content", "import test from 'node:test';\nimport assert from 'node:assert/strict';\n" + importLine
                        + "\ntest('" + name + "', () => {\n  assert.equal(" + call + ", " + result + ");\n});\n"))));
        if (task.equals("add-sum")) {
            // one agent runs the tests itself: a command inside the tool loop is a kill point too
            script.add(Turns.line(task, Turns.tool("run_command", JSON.createObjectNode().put("command", "node --test " + path.replace(".js", ".test.js")))));
        }
        script.add(Turns.line(task, Turns.tool("complete_task", JSON.createObjectNode().put("summary", "Added " + name + "."))));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Collections.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }

    /** `kleiber` in a child JVM, its output read as it comes so the kill can say what the run was doing. */
    private static final class Child {
        private final Process process;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was killed mid-line
                }
            });
        }

        static Child start(Path repo, String... args) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), "dev.kleiber.cli.Main"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC"));
            return new Child(builder.start());
        }

        int waitFor(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kleiber did not finish in " + seconds + " s:\n" + output());
            }
            reader.join(5000);
            return process.exitValue();
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /** The lines that report an event: what the run printed, less the JVM's warnings. */
        List<String> events() {
            synchronized (lines) {
                return lines.stream().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
            }
        }

        /** SIGKILLs the JVM {@code delay} ms after it printed its {@code n}-th event line; says where it hit. */
        String killAfterEvent(int n, long delay) throws InterruptedException {
            long t0 = System.nanoTime();
            while (events().size() < n && process.isAlive()) {
                Thread.sleep(5);
            }
            Thread.sleep(delay);
            return "event " + n + " + " + delay + " ms: " + kill((System.nanoTime() - t0) / 1_000_000);
        }

        /** SIGKILLs the JVM after {@code millis} (its children, like a real kill -9, live on); says where it hit. */
        String killAfter(long millis) throws InterruptedException {
            process.waitFor(millis, TimeUnit.MILLISECONDS);
            return kill(millis);
        }

        private String kill(long millis) throws InterruptedException {
            if (!process.isAlive()) {
                reader.join(5000);
                return "after " + millis + " ms: already finished (exit " + process.exitValue() + ") phase=finished";
            }
            List<ProcessHandle> orphans = process.descendants().toList();
            List<String> children = orphans.stream().map(p -> p.info().commandLine().orElse("?"))
                    .map(Child::shortly).toList();
            List<String> said = events();
            int seen = said.size();
            String last = said.isEmpty() ? "(nothing printed yet)" : said.getLast();
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
            reader.join(5000);
            // let the orphans (a git or node child) finish, as they would after a real kill -9
            for (ProcessHandle orphan : orphans) {
                try {
                    orphan.onExit().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("an orphan of the killed kleiber did not end: " + orphan.info(), e);
                }
            }
            return "after " + millis + " ms, line " + seen + " '" + last.replaceAll("^\\d\\d:\\d\\d:\\d\\d ", "")
                    + "', children " + children + " phase=" + phase(last, children);
        }

        private static String shortly(String commandLine) {
            String text = commandLine.replaceAll("^\\S*/", "").replaceAll("\\s+", " ").replaceAll(" -c [^ =]+=\\S*", "")
                    .replaceAll("^(bwrap) .* -- ", "$1 … ");
            return text.substring(0, Math.min(70, text.length()));
        }

        /** What the run was doing: the commands its children ran, else what it printed last. */
        private static String phase(String last, List<String> children) {
            List<String> phases = new ArrayList<>();
            for (String child : children) {
                String phase = child.matches(".*bash -c node --test$") ? "validator"
                        : child.contains("bash -c node --test ") ? "agent-command"
                        : child.matches("git (merge|update-ref).*") ? "git-merge"
                        : child.matches("git (commit|add|diff --cached).*") ? "git-commit"
                        : child.matches("git (worktree|reset|checkout|clean).*") ? "git-worktree"
                        : child.startsWith("git ") ? "git-other" : "";
                if (!phase.isEmpty() && !phases.contains(phase)) {
                    phases.add(phase);
                }
            }
            if (phases.isEmpty()) {
                phases.add(last.equals("(nothing printed yet)") || last.startsWith("SCRIPTED") || last.startsWith("run ")
                        || last.startsWith("resuming") ? "startup"
                        : last.contains("planned:") ? "recording-plan"
                        : last.contains("running:") || last.contains("reclaimed:") ? "agent-loop"
                        : last.contains("validated at") ? "merge"
                        : last.contains("merged") ? "scribe-log"
                        : last.contains("every task") ? "finishing" : "other");
            }
            return String.join(" phase=", phases);
        }
    }
}
