package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber demo} run in-process: the whole orchestration on the sample shop, with the model's answers
 * scripted and everything else real (git, bwrap, node --test, SQLite, the budget guard). The test's own stdin is
 * not a terminal, which is what the run without {@code --yes} relies on.
 */
class DemoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli cli(Path workingDir) {
        // a key in the environment must change nothing: the demo is scripted and never calls the API
        return new Cli(new CliContext(workingDir, Map.of("PATH", System.getenv("PATH"), "USER", "tester",
                "ANTHROPIC_API_KEY", "sk-ant-must-not-be-used"), Clock.systemUTC()));
    }

    @Test
    void withYesTheDemoRunsToTheEndAndLeavesMergedTestedDocumentedWork() throws Exception {
        Path repo = tmp.resolve("shop");

        Cli.Result demo = cli(tmp).run("demo", "--yes", "--serve", "--dir", repo.toString());

        String out = demo.out();
        assertThat(demo.exitCode()).as(out + demo.err()).isZero();
        // --serve: the dashboard's address and a one-time sign-in link, never the token's secret (--yes decides)
        assertThat(out).containsPattern("dashboard:  http://127\\.0\\.0\\.1:\\d+/runs/run-[0-9-]+\n")
                .containsPattern("sign in:    http://127\\.0\\.0\\.1:\\d+/runs/run-[0-9-]+\\?code=[0-9a-f]{48} ")
                .doesNotContain("kl_");
        // every screen says the answers are scripted and how to run for real
        assertThat(out.lines().filter(l -> l.startsWith("== "))).hasSizeGreaterThanOrEqualTo(8);
        assertThat(count(out, "[model answers scripted; for real: ANTHROPIC_API_KEY=sk-ant-... ./kleiber run"))
                .isEqualTo(count(out, "\n== "));
        assertThat(out).contains("ANTHROPIC_API_KEY is set and ignored");
        // the plan: routing with reasons, the architect's review, the all-Opus comparison
        assertThat(out).contains("architect asked for changes: card-refunds adds restockBook")
                .contains("plan approved after 2 review rounds")
                .contains("card-refunds  engineer-backend  opus + review")
                .contains("forced.payments (").contains("boilerplate.docstrings (")
                .containsPattern("Estimated cost \\(as `kleiber plan --dry-run` estimates it\\): \\$[0-9.]+–\\$[0-9.]+ as routed; "
                        + "\\$[0-9.]+–\\$[0-9.]+ all on Opus")
                // the configured models' tokenizer, and the small demo budget the high estimate passes, before the run
                .contains("Token counts assume the Claude 4.7-and-later tokenizer (~30% more tokens for the same text)")
                .containsPattern("Note: the high estimate \\$[0-9.]+ passes the \\$[0-9.]+ left of today's budget");
        // three agents at once: all three started before any finished
        int firstValidated = out.indexOf(": validated at ");
        for (String task : List.of("search-books", "stock-badge", "catalog-docs")) {
            assertThat(out.indexOf(task + ": running: ")).as(task).isPositive().isLessThan(firstValidated);
        }
        // the sandbox refusal, the failed validation and the retry
        assertThat(out).contains("stock-badge: refused edit_file (path=src/backend/server.js")
                .contains("role engineer-frontend may not write 'src/backend/server.js'")
                .contains("search-books: retrying on sonnet: Validation failed")
                .contains("search-books: running: engineer-backend on sonnet, attempt 2");
        assertThat(out.indexOf("search-books: validated at ")).isGreaterThan(out.indexOf("search-books: retrying"));
        // the budget alert and its resolution, then the review and the approval
        assertThat(out).contains("card-refunds: paused: budget: Daily budget of $0.40 would be passed")
                .contains("alert for a person: blocked/conductor/budget-")
                .contains("Raised by tester (from $USER): today's limit is now $5.00")
                .contains("card-refunds: awaiting review")
                .contains("## Diff\n src/services/catalog.js ") // the diffstat keeps its alignment
                .contains("card-refunds approved and merged into main")
                .contains("refund-guide: merged into main")
                .contains("every task is merged.");
        assertThat(demo.err()).contains("PAUSED for budget");
        // the final cost table and where to look
        assertThat(out).containsPattern("Cost on \\d{4}-\\d{2}-\\d{2}: \\$[0-9.]+ in 16 calls")
                .contains("All on Opus (claude-opus-5-5) the same tokens would have cost")
                .contains("repository          ").contains(repo.getFileName().toString())
                .contains("orchestration_log.md").contains("CHANGELOG.md").contains("docs/decisions/0001-");

        // merged work on main, each merge with its trailers, and the shop's tests pass on it
        List<String> merged = GitRepos.git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Task,valueonly)")
                .lines().filter(l -> !l.isBlank()).sorted().toList();
        assertThat(merged).containsExactly("card-refunds", "catalog-docs", "refund-guide", "search-books", "stock-badge");
        assertThat(GitRepos.git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Attempt,valueonly)"))
                .contains("2");
        assertThat(GitRepos.git(repo, "show", "main:src/services/search.js")).contains("toLowerCase");
        assertThat(GitRepos.git(repo, "show", "main:src/backend/server.js")).doesNotContain("badge");
        assertThat(nodeTest(checkout(repo, "main"))).contains("# pass 11").contains("# fail 0");

        // protocol files, the validator's reports, the log, the scribe
        assertThat(repo.resolve("tasks/engineer-backend/card-refunds.md")).content().contains("Model: opus");
        assertThat(repo.resolve("tasks/engineer-backend/search-books.md")).content()
                .contains("Feedback from the previous attempt").contains("Validation failed");
        assertThat(repo.resolve("progress/engineer-frontend/stock-badge-started.md")).exists();
        assertThat(repo.resolve("complete/engineer-backend/search-books-done.md")).content().contains("Model Used: sonnet");
        assertThat(repo.resolve("complete/engineer-backend/card-refunds-done.md")).content().contains("Model Used: opus");
        try (Stream<Path> blocked = Files.list(repo.resolve("blocked/conductor"))) {
            assertThat(blocked.map(p -> p.getFileName().toString())).singleElement().asString()
                    .startsWith("budget-").endsWith("-conflict.md");
        }
        assertThat(repo.resolve("reports/search-books-validation.md")).content().contains("passed");
        String log = Files.readString(repo.resolve("orchestration_log.md"));
        assertThat(log.lines().filter(l -> l.contains("| search-books |"))).hasSize(2);
        assertThat(log.lines().filter(l -> l.contains("| card-refunds |") && l.contains("| opus |"))).hasSize(1);
        for (String task : List.of("stock-badge", "catalog-docs", "refund-guide")) {
            assertThat(log).contains("| " + task + " |");
        }
        assertThat(log).contains("## Daily Summary:");
        assertThat(Files.readString(repo.resolve("CHANGELOG.md"))).contains("(search-books)").contains("(stock-badge)")
                .contains("(catalog-docs)").contains("(card-refunds)").contains("(refund-guide)");
        try (Stream<Path> adrs = Files.list(repo.resolve("docs/decisions"))) {
            List<Path> records = adrs.filter(p -> p.getFileName().toString().matches("\\d{4}-.+\\.md")).toList();
            assertThat(records).isNotEmpty();
            assertThat(Files.readString(records.getFirst())).containsIgnoringCase("refund");
        }

        // the ledger: every call billed, more than the small budget and within the raised one
        Cli inRepo = cli(repo);
        JsonNode cost = JSON.readTree(inRepo.run("cost", "--json").out());
        JsonNode budget = JSON.readTree(inRepo.run("budget", "--json").out());
        BigDecimal total = cost.path("totalUsd").decimalValue();
        assertThat(cost.path("calls").asInt()).isEqualTo(16);
        assertThat(total).isGreaterThan(new BigDecimal("0.40"))
                .isLessThanOrEqualTo(budget.path("limitUsd").decimalValue());
        assertThat(budget.path("limitUsd").decimalValue()).isEqualByComparingTo("5.00");
        assertThat(budget.path("paused").asBoolean()).isFalse();
        assertThat(cost.path("allOpusUsd").decimalValue()).isGreaterThan(total);
        assertThat(GitRepos.git(repo, "worktree", "list")).doesNotContain("search-books").doesNotContain("card-refunds");
    }

    @Test
    void withoutYesAndWithoutATerminalTheDemoStopsAtTheFirstDecisionAndSaysHowToGoOn() throws Exception {
        Path repo = tmp.resolve("shop");

        Cli.Result demo = cli(tmp).run("demo", "--dir", repo.toString());

        // like `kleiber run`, work that waits for a person is not a failure: exit 0, with what to do next
        assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("Raise today's budget to $5.00 so the run can continue? (not asked: stdin is not a terminal)")
                .contains("The demo stops here: this step needs a person's decision, stdin is not a terminal")
                .contains("  cd " + repo)
                .contains(" budget raise --to 5.00")
                .contains(" resume --script .kleiber/demo-script.jsonl")
                .contains(" approve card-refunds")
                .contains(" demo --yes")
                .doesNotContain("Raised by");
        JsonNode budget = JSON.readTree(cli(repo).run("budget", "--json").out());
        assertThat(budget.path("paused").asBoolean()).isTrue();
        assertThat(GitRepos.git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Task,valueonly)"))
                .doesNotContain("card-refunds").contains("search-books");
    }

    @Test
    void aFolderThatHoldsFilesIsRefused() throws IOException {
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("notes.txt"), "mine\n");

        Cli.Result demo = cli(tmp).run("demo", "--yes", "--dir", "used");

        assertThat(demo.exitCode()).isEqualTo(2);
        assertThat(demo.err()).contains("--dir " + used + " is not empty").doesNotContain("Exception");
        assertThat(used.resolve("notes.txt")).content().isEqualTo("mine\n");
        assertThat(used.resolve(".git")).doesNotExist();
    }

    @Test
    void withoutNodeTheDemoSaysWhatToInstall() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("git"), Path.of(which("git")));
        Cli noNode = new Cli(new CliContext(tmp, Map.of("PATH", bin.toString()), Clock.systemUTC()));

        Cli.Result demo = noNode.run("demo", "--yes", "--dir", "shop");

        assertThat(demo.exitCode()).isEqualTo(1);
        assertThat(demo.err()).contains("the demo needs Node.js 18 or newer").contains("node is not on PATH")
                .contains("Install it").doesNotContain("Exception");
        assertThat(tmp.resolve("shop")).doesNotExist();
    }

    private static String which(String program) {
        return Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst().orElseThrow().toString();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    /** The tree of {@code revision} in a folder of its own, as a fresh clone would have it. */
    private Path checkout(Path repo, String revision) throws IOException, InterruptedException {
        Path target = Files.createDirectories(tmp.resolve("checkout-" + revision));
        Process archive = new ProcessBuilder("sh", "-c", "git archive " + revision + " | tar -x -C '" + target + "'")
                .directory(repo.toFile()).redirectErrorStream(true).start();
        String output = new String(archive.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(archive.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(archive.exitValue()).as(output).isZero();
        return target;
    }

    private static String nodeTest(Path repo) throws IOException, InterruptedException {
        Process tests = new ProcessBuilder("node", "--test").directory(repo.toFile()).redirectErrorStream(true).start();
        String output = new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tests.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tests.exitValue()).as(output).isZero();
        return output;
    }
}
