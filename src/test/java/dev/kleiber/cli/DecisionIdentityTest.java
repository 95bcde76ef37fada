package dev.kleiber.cli;

import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 7: with no $USER (containers, CI) a person's decision falls back to the OS account, `--by` names
 * anyone, and what is recorded says who decided and where the name came from.
 */
class DecisionIdentityTest {
    private static final String OS_ACCOUNT = System.getProperty("user.name");

    @TempDir
    Path dir;

    @Test
    void budgetDecisionsWorkWithoutUserAndRecordWhereTheNameCameFrom() throws Exception {
        Path repo = GitRepos.init(Files.createDirectories(dir.resolve("project")));
        ManualClock clock = new ManualClock();
        Cli noUser = new Cli(new CliContext(repo, Map.of(), clock));

        Cli.Result raise = noUser.run("budget", "raise", "--to", "80");
        assertThat(raise.exitCode()).as(raise.err()).isZero();
        assertThat(raise.out()).contains("Raised by " + OS_ACCOUNT + " (from the OS account): today's limit is now $80.00");
        Cli.Result extra = noUser.run("budget", "approve", "--extra", "5", "--by", "Bo");
        assertThat(extra.out()).contains("Approved by Bo (from --by): today's limit is now $85.00");
        Cli.Result logname = new Cli(new CliContext(repo, Map.of("LOGNAME", "cy"), clock)).run("budget", "approve", "--extra", "1");
        assertThat(logname.out()).contains("Approved by cy (from $LOGNAME)");

        assertThat(noUser.run("budget").out())
                .contains(OS_ACCOUNT + " (from the OS account) raised day:2025-01-09 to $80.00")
                .contains("Bo (from --by) approved extra day:2025-01-09 of $5.00")
                .contains("cy (from $LOGNAME) approved extra day:2025-01-09 of $1.00");
        Cli.Result blank = noUser.run("budget", "approve", "--extra", "1", "--by", "  ");
        assertThat(blank.exitCode()).isEqualTo(2);
        assertThat(blank.err()).contains("--by must name who decides");
    }

    @Test
    void theDemosPrintedNextStepsWorkWithoutUser() throws Exception {
        Path repo = dir.resolve("shop");
        Cli noUser = new Cli(new CliContext(dir, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));

        Cli.Result demo = noUser.run("demo", "--dir", repo.toString());

        assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
        List<String> steps = demo.out().lines().dropWhile(line -> !line.startsWith("  cd " + repo)).skip(1)
                .takeWhile(line -> line.startsWith("  ")).toList();
        assertThat(steps).anyMatch(s -> s.contains(" budget raise --to ")).anyMatch(s -> s.contains(" approve card-refunds"));
        Cli inRepo = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        for (String step : steps) {
            // "  /path/to/kleiber budget raise --to 5.00", without a trailing "(comment)"
            List<String> words = Arrays.stream(step.strip().split("\\s+")).skip(1)
                    .takeWhile(word -> !word.startsWith("(")).toList();
            Cli.Result result = inRepo.run(words.toArray(String[]::new));
            assertThat(result.exitCode()).as(step + "\n" + result.out() + result.err()).isZero();
        }
        assertThat(GitRepos.git(repo, "log", "main", "--merges", "--format=%(trailers:key=Kleiber-Task,valueonly)"))
                .contains("card-refunds");
        // the run's audit trail in `status --json`: who approved at this terminal, and the budget raise
        String decisions = new com.fasterxml.jackson.databind.ObjectMapper().readTree(inRepo.run("status", "--json").out())
                .path("decisions").toString();
        assertThat(decisions).contains("\"kind\":\"person.approved\"").contains("\"task\":\"card-refunds\"")
                .containsPattern("by \\S+ \\(from the OS account\\); merged as [0-9a-f]{40}");
    }
}
