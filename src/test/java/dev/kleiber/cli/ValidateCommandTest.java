package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.NodeShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static dev.kleiber.testutil.NodeShop.BROKEN_SUM;
import static dev.kleiber.testutil.NodeShop.SUM;
import static dev.kleiber.testutil.NodeShop.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber validate} on real git repositories holding a tiny Node project whose {@code node --test} is the
 * validation command, run under bwrap with the validator's rights.
 */
class ValidateCommandTest {
    @TempDir
    Path tmp;

    private static Cli cli(Path repo) {
        return new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
    }

    @Test
    void aPassingMainExitsZeroAndWritesTheReport() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        String head = GitRepos.git(repo, "rev-parse", "main").strip();

        Cli.Result result = cli(repo.resolve("src")).run("validate");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out())
                .startsWith("validating main at " + head.substring(0, 12) + " in a fresh worktree\n")
                .contains("  [PASS] test (").contains("`node --test` exited with 0")
                .contains("  [PASS] naming (")
                .endsWith("main passed: 5 checks; report reports/main-validation.md\n");
        assertThat(repo.resolve("reports/main-validation.md")).content()
                .startsWith("# Validation: main\nResult: passed\nChecked: ")
                .contains("Commit: " + head + "\n")
                .contains("- [PASS] test (").contains("- [SKIPPED] coverage (");
        // the fresh worktree is gone, and it left nothing in the checkout but the report, which init has git ignore
        assertThat(GitRepos.git(repo, "worktree", "list").lines()).hasSize(1);
        assertThat(GitRepos.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(GitRepos.git(repo, "check-ignore", "reports/main-validation.md")).isEqualTo("reports/main-validation.md\n");
    }

    @Test
    void aFailingTestOnMainExitsOneNamingTheCheckAndTheReportSaysWhy() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        write(repo, "src/services/sum.js", BROKEN_SUM);
        write(repo, "src/components/user-card.tsx", "export const UserCard = () => null;\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "break sum, add a badly named component");

        Cli.Result result = cli(repo).run("validate");

        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
        assertThat(result.out())
                .contains("  [FAIL] test (").contains("`node --test` exited with 1")
                .contains("sum adds two numbers")
                .contains("  [FAIL] naming (")
                .contains("src/components/user-card.tsx: [file-component]")
                .contains("main FAILED: test, naming (2 of 5 checks); report reports/main-validation.md");
        String report = Files.readString(repo.resolve("reports/main-validation.md"));
        assertThat(report).startsWith("# Validation: main\nResult: failed\n")
                .contains("- [FAIL] test (").contains("### test: fail").contains("sum adds two numbers")
                .contains("src/components/user-card.tsx: [file-component]");
        assertThat(GitRepos.git(repo, "worktree", "list").lines()).hasSize(1);
    }

    @Test
    void validationCommandsMayWriteBuildOutputsAndTheirCoverageReportIsRead() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config).replace("run: \"node --test\"",
                "run: \"node --test && mkdir -p target coverage && echo built > target/app.txt"
                        + " && printf 'SF:src/services/sum.js\\\\nDA:1,1\\\\nDA:2,1\\\\nDA:3,0\\\\nend_of_record\\\\n'"
                        + " > coverage/lcov.info\""));
        GitRepos.git(repo, "commit", "-q", "-am", "the tests write a build output and a coverage report");

        Cli.Result result = cli(repo).run("validate");

        assertThat(result.out()).contains("  [PASS] test (").contains("  [FAIL] coverage (").contains("coverage/lcov.info 66.6% (threshold 80%)");
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
    }

    @Test
    void uncommittedEditsInTheCheckoutDoNotCount() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        write(repo, "src/services/sum.js", BROKEN_SUM);
        write(repo, "src/services/bad_name.ts", "export const x = 1;\n");

        Cli.Result passing = cli(repo).run("validate");

        assertThat(passing.exitCode()).as(passing.out() + passing.err()).isZero();
        assertThat(repo.resolve("src/services/sum.js")).hasContent(BROKEN_SUM);

        // and the other way round: main broken, the checkout's fix not yet committed
        GitRepos.git(repo, "commit", "-q", "-am", "break sum");
        write(repo, "src/services/sum.js", SUM);

        Cli.Result failing = cli(repo).run("validate");

        assertThat(failing.exitCode()).as(failing.out()).isEqualTo(1);
        assertThat(failing.out()).contains("[FAIL] test");
    }

    @Test
    void aWorktreeLeftByAKilledValidationIsRemovedByTheNext() throws Exception {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path abandoned = repo.resolve(".kleiber/worktrees/_main-" + gone.pid() + "-123");
        GitRepos.git(repo, "worktree", "add", "-q", "--detach", abandoned.toString(), "main");

        Cli.Result result = cli(repo).run("validate");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(abandoned).doesNotExist();
        assertThat(GitRepos.git(repo, "worktree", "list").lines()).hasSize(1);
    }

    @Test
    void mainIsValidatedWhicheverBranchIsCheckedOut() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        GitRepos.git(repo, "checkout", "-q", "-b", "feature/t1-break-sum");
        write(repo, "src/services/sum.js", BROKEN_SUM);
        GitRepos.git(repo, "commit", "-q", "-am", "break sum on a branch");

        Cli.Result result = cli(repo).run("validate");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains(GitRepos.git(repo, "rev-parse", "main").strip().substring(0, 12));
    }

    @Test
    void jsonIsOneDocument() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        NodeShop.breakMain(repo);

        Cli.Result result = cli(repo).run("validate", "--json");

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.path("target").asText()).isEqualTo("main");
        assertThat(json.path("commit").asText()).isEqualTo(GitRepos.git(repo, "rev-parse", "main").strip());
        assertThat(json.path("result").asText()).isEqualTo("failed");
        assertThat(json.path("report").asText()).isEqualTo("reports/main-validation.md");
        assertThat(json.path("checks").get(0).path("name").asText()).isEqualTo("test");
        assertThat(json.path("checks").get(0).path("status").asText()).isEqualTo("fail");
        assertThat(json.path("checks").get(0).path("summary").asText()).isEqualTo("`node --test` exited with 1");
        assertThat(json.path("checks")).extracting(c -> c.path("name").asText())
                .containsExactly("test", "naming", "storybook", "endpoint-tests", "coverage");
    }

    @Test
    void withoutCommandsOnlyKleibersOwnChecksRunAndSaySo() {
        Path repo = GitRepos.init(tmp.resolve("bare"));

        Cli.Result result = cli(repo).run("validate");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("(no validate.commands in .kleiber/kleiber.yaml: only Kleiber's own checks run)")
                .contains("main passed: 4 checks");
    }

    @Test
    void aBadSettingIsBadInputNamingTheLine() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config).replace("main_every: 30m", "main_every: soon"));
        int line = Files.readString(config).substring(0, Files.readString(config).indexOf("main_every: soon"))
                .split("\n", -1).length;

        Cli.Result result = cli(repo).run("validate");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("kleiber: .kleiber/kleiber.yaml line " + line
                + ": 'main_every' must be a duration with a unit");
        assertThat(repo.resolve("reports/main-validation.md")).doesNotExist();
    }

    @Test
    void aRepositoryWithoutMainIsBadInput() {
        Path repo = GitRepos.init(tmp.resolve("trunk"));
        GitRepos.git(repo, "branch", "-m", "main", "trunk");

        Cli.Result result = cli(repo).run("validate");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("has no branch 'main' to validate");
    }

    @Test
    void aMasterBranchIsValidatedWithTheSettingsCommittedOnIt() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        GitRepos.git(repo, "branch", "-m", "main", "master");
        Cli.Result noMain = cli(repo).run("validate");
        assertThat(noMain.exitCode()).isEqualTo(2);
        assertThat(noMain.err()).contains("has no branch 'main' to validate")
                .contains("layout: {main_branch: master}");

        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config) + "layout:\n  main_branch: master\n");
        write(repo, "src/services/format_price.ts", "export const x = 1;\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "main is master here; a misnamed utility");
        Cli.Result failing = cli(repo).run("validate");
        assertThat(failing.out()).as(failing.err()).contains("[FAIL] naming").contains("src/services/format_price.ts: [file-utility]");
        assertThat(failing.exitCode()).isEqualTo(1);

        // a rule switched off in the checkout only does not count: the commit's kleiber.yaml does
        Files.writeString(config, Files.readString(config) + "lint:\n  rules: {file-utility: off}\n");
        assertThat(cli(repo).run("validate").exitCode()).isEqualTo(1);
        GitRepos.git(repo, "commit", "-q", "-am", "utilities may be named freely here");
        Cli.Result passing = cli(repo).run("validate");
        assertThat(passing.exitCode()).as(passing.out()).isZero();
        assertThat(passing.out()).startsWith("validating main at ").contains("[PASS] naming");
    }

    @Test
    void aBaselineLetsADirtyMainPassUntilANewFindingAppears() throws IOException {
        Path repo = NodeShop.create(tmp.resolve("shop"));
        write(repo, "src/services/format_price.ts", "export const x = 1;\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "an old misnamed utility");
        assertThat(cli(repo).run("validate").exitCode()).isEqualTo(1);

        Cli.Result recorded = cli(repo).run("lint", "--baseline");
        assertThat(recorded.exitCode()).isZero();
        assertThat(recorded.out()).isEqualTo("Recorded 1 finding in .kleiber/lint-baseline.txt: from now on only "
                + "new findings fail. Commit the file.\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "baseline");
        Cli.Result passing = cli(repo).run("validate");
        assertThat(passing.exitCode()).as(passing.out()).isZero();
        assertThat(passing.out()).contains("[PASS] naming").contains("no new findings in").contains("1 known in the baseline");

        write(repo, "src/services/tax_rate.ts", "export const y = 1;\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "a new misnamed utility");
        Cli.Result failing = cli(repo).run("validate");
        assertThat(failing.exitCode()).isEqualTo(1);
        assertThat(failing.out()).contains("src/services/tax_rate.ts: [file-utility]")
                .doesNotContain("src/services/format_price.ts: [file-utility]");
    }
}
