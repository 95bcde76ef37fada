package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.cli.CrashingConductor;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.Optional;
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
 * {@code kleiber run} killed at a kill point a seed picks, then {@code kleiber resume}d until the run finishes. The
 * kill points are keyed on what the run does, not on the clock, so a seed replays exactly: the child
 * ({@link CrashingConductor}, the CLI's own wiring on one worker) halts just after the N-th stored event of a kind,
 * while the N-th validation command runs, or a {@code git} wrapper first on its PATH kills its process group before
 * or after the N-th call of a git sub-command (the merge's {@code merge-tree}, {@code commit-tree}, the fast-forward
 * of main, commits, worktrees). Seed i covers kill point (i-1) mod {@link #POINTS}, its N drawn from the seed; some
 * seeds kill the resume too. After each kill the phase reached is asserted from the store and git, and after the
 * resume the invariants: each task merged exactly once, one CHANGELOG entry each, no worktree, lease or reservation
 * left, the ledger billing each scripted call once and orchestration_log.md agreeing with it, the checkout clean and
 * every protocol file whole.
 *
 * <p>{@code -Dcrash.seed=N} replays seed N alone ({@code -Dcrash.seed=3,9} several); {@code -Dcrash.seeds=M} runs seeds 1..M (default: each kill point once).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConductorCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TASKS = List.of("add-sum", "add-max", "add-stats");
    /** Calls the script answers in one clean run: three per task, and add-sum runs its tests itself. */
    private static final int CALLS = 10;
    private static final Pattern LOG_ROW = Pattern.compile(
            "^\\| (\\S+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\| (\\d+) \\| (\\d+) \\| \\$([0-9.]+) \\|$");

    /** Where a run can be killed, and how often (in a clean one-worker run of the plan) the point comes. */
    sealed interface Kill {
        int max();

        /** What the child writes in {@code killed} when it dies there, for the N-th time. */
        String note(int n);

        /** Halts just after the N-th event of {@code kind} was stored. */
        record AfterEvent(String kind, int max) implements Kill {
            public String note(int n) {
                return "event " + kind + " #" + n;
            }
        }

        /** Halts while the N-th validation command ({@code node --test}) runs. */
        record InValidator(int max) implements Kill {
            public String note(int n) {
                return "validator #" + n;
            }
        }

        /** SIGKILLs the process group before, or just after, the N-th {@code git SUB}. */
        record InGit(String sub, boolean after, int max) implements Kill {
            public String note(int n) {
                return "git " + sub + " #" + n + " " + (after ? "after" : "before");
            }
        }
    }

    /** Every kill point in the order seeds cover them: from planning to after the run's end. */
    static final List<Kill> POINTS = List.of(
            new Kill.AfterEvent("TaskPlanned", TASKS.size()),
            new Kill.InGit("worktree add", false, TASKS.size()),
            new Kill.AfterEvent("TaskStarted", TASKS.size()),
            new Kill.AfterEvent("SessionBilled", CALLS),
            new Kill.InGit("commit", true, TASKS.size()),
            new Kill.InValidator(TASKS.size()),
            new Kill.AfterEvent("Validated", TASKS.size()),
            new Kill.InGit("merge-tree", false, TASKS.size()),
            new Kill.InGit("commit-tree", true, TASKS.size()),
            new Kill.InGit("merge", true, TASKS.size()),
            new Kill.AfterEvent("Merged", TASKS.size()),
            new Kill.InGit("worktree remove", true, TASKS.size()),
            new Kill.AfterEvent("RunFinished", 1));
    /** What may kill the resume as well: its first start, its first merge's fast-forward, its first merge. */
    private static final List<Kill> RESUME_POINTS = List.of(new Kill.AfterEvent("TaskStarted", 1),
            new Kill.InGit("merge", true, 1), new Kill.AfterEvent("Merged", 1));

    private Path base;
    private Path template;
    private String realGit;
    private final Map<Long, String> report = Collections.synchronizedMap(new TreeMap<>());
    private final long started = System.nanoTime();

    @BeforeAll
    void makeTheProjectOnce() throws Exception {
        base = Files.createTempDirectory("kleiber-crash");
        template = project(base.resolve("template"));
        realGit = Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, "git"))
                .filter(Files::isExecutable).findFirst().orElseThrow().toString();
    }

    @AfterAll
    void printWhatEachSeedHit() throws IOException {
        System.out.println("[crash] " + report.size() + " seeds, " + (System.nanoTime() - started) / 1_000_000
                + " ms in all:");
        report.forEach((seed, text) -> System.out.println("[crash] seed " + seed + ": " + text));
        deleteTree(base);
    }

    static LongStream seeds() {
        String chosen = System.getProperty("crash.seed", "").strip();
        return chosen.isEmpty() ? LongStream.rangeClosed(1, Long.getLong("crash.seeds", POINTS.size()))
                : Stream.of(chosen.split(",")).mapToLong(seed -> Long.parseLong(seed.strip()));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aRunKilledAtTheSeedsKillPointResumesToTheSameEnd(long seed) throws Exception {
        long t0 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Kill kill = POINTS.get((int) ((seed - 1) % POINTS.size()));
        int n = 1 + random.nextInt(kill.max());
        Optional<Kill> resumeKill = random.nextInt(3) == 0
                ? Optional.of(RESUME_POINTS.get(random.nextInt(RESUME_POINTS.size()))) : Optional.empty();
        boolean recorded = !(kill instanceof Kill.AfterEvent e && e.kind().equals("TaskPlanned"));
        if (!recorded) {
            resumeKill = Optional.empty();
        }
        Path repo = base.resolve("seed-" + seed);
        copy(template, repo);
        System.out.println("[crash] seed " + seed + ": " + kill.note(n)
                + resumeKill.map(k -> ", then the resume at " + k.note(1)).orElse("") + " (replay: -Dcrash.seed=" + seed + ")");

        Child run = Child.start(repo, base.resolve("seed-" + seed + "-run"), kill, n, realGit,
                "run", "plan.yaml", "script.jsonl", "1");
        String killed = run.assertKilledAt(kill.note(n));
        String phase = assertPhase(repo, kill, n);
        List<String> hit = new ArrayList<>(List.of(killed + " -> " + phase + " (" + millis(t0) + " ms)"));

        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        if (!recorded) {
            // killed before the run was recorded: nothing was done, and the user starts it again
            Cli.Result nothing = cli.run("resume", "--workers", "2", "--script", "script.jsonl");
            assertThat(nothing.exitCode()).as(nothing.err()).isEqualTo(2);
            assertThat(nothing.err()).contains("no run");
            Cli.Result again = cli.run("run", "--plan", "plan.yaml", "--workers", "2", "--script", "script.jsonl");
            assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        } else {
            if (resumeKill.isPresent()) {
                Child resume = Child.start(repo, base.resolve("seed-" + seed + "-resume"), resumeKill.get(), 1, realGit,
                        "resume", "script.jsonl", "2");
                hit.add("resume " + resume.killedOrFinished(resumeKill.get().note(1)) + " (" + millis(t0) + " ms)");
            }
            Cli.Result resume = cli.run("resume", "--workers", "2", "--script", "script.jsonl");
            assertThat(resume.exitCode()).as(hit + "\n" + resume.out() + resume.err()).isZero();
            assertThat(resume.out()).as(hit.toString()).contains("every task is merged.");
        }
        hit.add("resumed (" + millis(t0) + " ms)");
        if (phase.equals("main moved, the store not told")) {
            assertThat(count(repo, "SELECT COUNT(*) FROM run_events WHERE kind = 'FoundMerged'"))
                    .as("the resume found the merge on main instead of merging again").isEqualTo(1);
        }

        // resuming a finished run changes nothing: the invariants below hold after both
        Cli.Result again = cli.run("resume", "--workers", "2", "--script", "script.jsonl");
        assertThat(again.out()).as(hit.toString()).contains("every task is merged.").doesNotContain("running:");
        assertInvariants(repo);
        report.put(seed, String.join("; ", hit) + "; checked (" + millis(t0) + " ms)");
    }

    /**
     * What the store and git say right after the kill, for the kill point: on one worker the run is at an exact
     * place. Returns the phase, as the report names it.
     */
    private String assertPhase(Path repo, Kill kill, int n) throws Exception {
        if (kill instanceof Kill.AfterEvent e && e.kind().equals("TaskPlanned")) {
            assertThat(count(repo, "SELECT COUNT(*) FROM runs")).as("no run recorded before the plan is whole").isZero();
            return "planning, no run recorded";
        }
        Map<String, Long> states = new TreeMap<>();
        for (String[] row : query(repo, "SELECT state, COUNT(*) FROM tasks GROUP BY state")) {
            states.put(row[0], Long.parseLong(row[1]));
        }
        long merged = states.getOrDefault("merged", 0L);
        long onMain = GitRepos.git(repo, "log", "main", "--first-parent", "--merges",
                "--format=%(trailers:key=Kleiber-Task,valueonly)").lines().filter(l -> !l.isBlank()).count();
        String phase;
        switch (kill) {
            case Kill.AfterEvent e when e.kind().equals("RunFinished") -> {
                assertThat(merged).isEqualTo(TASKS.size());
                phase = "finished";
            }
            case Kill.AfterEvent e when e.kind().equals("Merged") -> {
                assertThat(merged).isEqualTo(n);
                phase = "merged and recorded";
            }
            case Kill.AfterEvent e -> {
                assertThat(count(repo, "SELECT COUNT(*) FROM run_events WHERE kind = '" + e.kind() + "'")).isEqualTo(n);
                String held = e.kind().equals("Validated") ? "validating" : "running";
                assertThat(states.getOrDefault(held, 0L)).as(states.toString()).isEqualTo(1);
                phase = e.kind().equals("Validated") ? "validated, not merged" : "agent at work";
            }
            case Kill.InValidator v -> {
                assertThat(states.getOrDefault("validating", 0L)).as(states.toString()).isEqualTo(1);
                assertThat(merged).isEqualTo(n - 1);
                phase = "validating";
            }
            case Kill.InGit g when g.sub().equals("merge") -> {
                // the fast-forward of the checkout moved main; the store never heard of the merge
                assertThat(states.getOrDefault("validating", 0L)).as(states.toString()).isEqualTo(1);
                assertThat(onMain).isEqualTo(merged + 1);
                phase = "main moved, the store not told";
            }
            case Kill.InGit g when g.sub().startsWith("merge-tree") || g.sub().equals("commit-tree") -> {
                assertThat(states.getOrDefault("validating", 0L)).as(states.toString()).isEqualTo(1);
                assertThat(onMain).isEqualTo(merged).isEqualTo(n - 1);
                phase = "merging, main not moved";
            }
            case Kill.InGit g when g.sub().equals("worktree add") -> {
                assertThat(states.getOrDefault("running", 0L)).as(states.toString()).isEqualTo(1);
                assertThat(merged).isEqualTo(n - 1);
                phase = "claimed, no worktree yet";
            }
            case Kill.InGit g -> {
                assertThat(onMain).isEqualTo(merged);
                phase = "git " + g.sub();
            }
        }
        assertThat(onMain).as("main never runs behind the store").isGreaterThanOrEqualTo(merged);
        return phase;
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
        for (String file : List.of("sum", "max", "stats")) {
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

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static long count(Path repo, String sql) throws Exception {
        return Long.parseLong(query(repo, sql).getFirst()[0]);
    }

    private static List<String[]> query(Path repo, String sql) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve(".kleiber/state.db"))) {
            return rows(db, sql);
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Process cp = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
        assertThat(cp.waitFor()).isZero();
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

    /**
     * {@link CrashingConductor} in a JVM of its own, in a process group of its own ({@code setsid}) so that the git
     * wrapper can kill it whole, with the wrapper first on its PATH.
     */
    private record Child(Process process, Path dir, Path output) {
        static Child start(Path repo, Path dir, Kill kill, int n, String realGit, String... args) throws IOException {
            Files.createDirectories(dir);
            Path git = dir.resolve("git");
            try (InputStream wrapper = ConductorCrashTest.class.getResourceAsStream("crash-git.sh")) {
                Files.copy(wrapper, git);
            }
            Files.setPosixFilePermissions(git, PosixFilePermissions.fromString("rwxr-xr-x"));
            // the git calls are logged: a kill point never reached says what the child did call
            String conf = "REAL_GIT='" + realGit + "'\nLOG='" + dir.resolve("git.log") + "'\n";
            List<String> command = new ArrayList<>(List.of("setsid", "-w",
                    ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                    "-Dcrash.dir=" + dir));
            switch (kill) {
                case Kill.AfterEvent e -> command.addAll(List.of("-Dcrash.event=" + e.kind(), "-Dcrash.n=" + n));
                case Kill.InValidator v -> command.add("-Dcrash.validator=" + n);
                case Kill.InGit g -> conf += "KILL_SUB='" + g.sub() + "'\nKILL_N=" + n + "\nKILL_WHEN="
                        + (g.after() ? "after" : "before") + "\n";
            }
            Files.writeString(dir.resolve("crash.conf"), conf);
            command.add(CrashingConductor.class.getName());
            command.addAll(List.of(args));
            Path output = dir.resolve("output.txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC"));
            builder.environment().put("PATH", dir + ":" + System.getenv("PATH"));
            return new Child(builder.start(), dir, output);
        }

        /** Waits for the child's end and for what it left running (a validator, a git) to end as well. */
        private int end() throws Exception {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the child did not end in 180 s:\n" + Files.readString(output));
            }
            long leader = Long.parseLong(Files.readString(dir.resolve("jvm.pid")).strip());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!group(leader).isEmpty()) {
                assertThat(System.nanoTime()).as("orphans of the killed child: " + group(leader)).isLessThan(deadline);
                Thread.sleep(20);
            }
            return process.exitValue();
        }

        /** Asserts the child died at {@code note}; returns what it wrote as it died. */
        String assertKilledAt(String note) throws Exception {
            int code = end();
            assertThat(code).as("killed, not ended: " + Files.readString(output) + "\ngit calls: " + gitCalls())
                    .isEqualTo(137);
            String killed = Files.readString(dir.resolve("killed")).strip();
            assertThat(killed).as("the kill point hit").startsWith(note);
            return killed;
        }

        private Map<String, Long> gitCalls() throws IOException {
            Path log = dir.resolve("git.log");
            Map<String, Long> calls = new TreeMap<>();
            if (Files.exists(log)) {
                Files.readAllLines(log).forEach(sub -> calls.merge(sub, 1L, Long::sum));
            }
            return calls;
        }

        String killedOrFinished(String note) throws Exception {
            int code = end();
            if (code == 0) {
                assertThat(Files.readString(output)).contains("finished without reaching the kill point");
                return "finished before " + note;
            }
            return "killed at " + assertKilledAt(note);
        }

        /** The processes of the process group {@code leader} led (its members outlive it after a kill -9). */
        private static List<Long> group(long leader) throws IOException {
            List<Long> members = new ArrayList<>();
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String stat = Files.readString(proc.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // state, ppid, pgrp: a zombie waits for its parent and holds nothing
                        if (Long.parseLong(fields[2]) == leader && !fields[0].equals("Z")) {
                            members.add(Long.parseLong(proc.getFileName().toString()));
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended while we looked
                    }
                }
            }
            return members;
        }
    }
}
