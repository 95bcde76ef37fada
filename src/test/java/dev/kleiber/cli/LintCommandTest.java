package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LintCommandTest {
    @TempDir
    Path dir;

    private Path repo() {
        return GitRepos.init(dir.resolve("shop"));
    }

    private static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void aCleanRepositoryExitsZero() throws IOException {
        Path root = repo();
        write(root, "src/utils/formatDate.ts", "export function formatDate(d: Date) { return d.toISOString(); }\n");
        Cli.Result result = new Cli(root).run("lint");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("No findings (checked 2 files, 0 branches).\n");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void findingsArePrintedOneALineAndExitOne() throws IOException {
        Path root = repo();
        write(root, "src/db/migrations/001.sql", "CREATE TABLE users (\n  id serial,\n  \"UserName\" text\n);\n");
        write(root, "src/utils/format-date.ts", "");
        GitRepos.git(root, "branch", "feature/login");
        Cli.Result result = new Cli(root.resolve("src")).run("lint");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEqualTo("""
                refs/heads/feature/login: [branch-name] branch 'feature/login' must be feature/{task-id}-{short-description} with a lower-case kebab description (e.g. feature/feat-001-login)
                src/db/migrations/001.sql:3: [sql-column] column 'UserName' must be snake_case (e.g. user_name)
                src/utils/format-date.ts: [file-utility] utility file 'format-date.ts' must be camelCase.ts (e.g. formatDate.ts)
                """);
        assertThat(result.err()).isEqualTo("3 findings (checked 3 files, 1 branch).\n");
    }

    @Test
    void jsonIsOneArrayOfFindings() throws IOException {
        Path root = repo();
        write(root, "src/components/Card.tsx", "export const onTapHandler = () => {};\n");
        write(root, "src/components/Card.stories.tsx", "export default {};\n");
        Cli.Result result = new Cli(root).run("lint", "--json");
        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("path").asText()).isEqualTo("src/components/Card.tsx");
        assertThat(json.get(0).get("line").asInt()).isEqualTo(1);
        assertThat(json.get(0).get("rule").asText()).isEqualTo("fn-handler");
        assertThat(json.get(0).get("message").asText()).isEqualTo("handler 'onTapHandler' must be named handle{Event} (e.g. handleTap)");
        assertThat(result.err()).isEmpty();

        write(root, "src/components/Card.tsx", "export const handleTap = () => {};\n");
        Cli.Result clean = new Cli(root).run("lint", "--json");
        assertThat(clean.exitCode()).isZero();
        assertThat(new ObjectMapper().readTree(clean.out()).size()).isZero();
    }

    @Test
    void pathsNarrowTheCheckAndSkipBranches() throws IOException {
        Path root = repo();
        write(root, "src/utils/format_date.ts", "");
        write(root, "src/ok/fine.ts", "");
        GitRepos.git(root, "branch", "fix/x");
        Cli.Result result = new Cli(root.resolve("src")).run("lint", "ok");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("No findings (checked 1 file, 0 branches).\n");
        assertThat(new Cli(root).run("lint", "src/utils/format_date.ts").exitCode()).isEqualTo(1);
    }

    @Test
    void theCurrentBranchIsJudgedWhenInAKleiberNamespace() {
        Path root = repo();
        GitRepos.git(root, "checkout", "-q", "-b", "agent/Backend_Engineer");
        Cli.Result result = new Cli(root).run("lint");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("refs/heads/agent/Backend_Engineer: [branch-name]");
    }

    @Test
    void withoutAWorkingGitItStillLintsAndSaysWhatItSkipped() throws IOException {
        Path root = Files.createDirectories(dir.resolve("broken"));
        Files.createDirectories(root.resolve(".git"));
        write(root, "src/utils/format_date.ts", "");
        Cli.Result result = new Cli(root).run("lint");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).startsWith("src/utils/format_date.ts: [file-utility]");
        assertThat(result.err()).startsWith("kleiber: branches and .gitignore not checked: git ls-files failed in ");
    }

    @Test
    void badUsageExitsTwo() throws IOException {
        Path root = repo();
        Cli.Result missing = new Cli(root).run("lint", "nope");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("kleiber: nope does not exist\n");
        assertThat(missing.out()).isEmpty();

        Cli.Result outside = new Cli(root).run("lint", "..");
        assertThat(outside.exitCode()).isEqualTo(2);
        assertThat(outside.err()).startsWith("kleiber: .. is outside the repository ");

        Cli.Result option = new Cli(root).run("lint", "--jsn");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err()).contains("Unknown option: '--jsn'");

        Path plain = Files.createDirectories(dir.resolve("plain"));
        Cli.Result notGit = new Cli(plain).run("lint");
        assertThat(notGit.exitCode()).isEqualTo(2);
        assertThat(notGit.err()).contains("is not inside a git repository");
    }
}
