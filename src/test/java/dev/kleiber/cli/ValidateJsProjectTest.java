package dev.kleiber.cli;

import dev.kleiber.testutil.Fixtures;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `kleiber validate` on a Vite + Vitest project: its installed dependencies, caches and nested coverage. */
class ValidateJsProjectTest {
    @TempDir
    Path tmp;

    @Test
    void theTestsRunInTheFreshWorktreeWithTheCheckoutsDependenciesAndNoNetwork() throws IOException {
        Path repo = Fixtures.viteVitest(tmp.resolve("vite"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        // node itself, not npm: the test script is the project's own, npm's home is not the point here
        Files.writeString(config, Files.readString(config).replace("\"npm run test\"", "\"node scripts/vitest-run.mjs\"")
                .replace("\"npm run typecheck\"", "\"node scripts/typecheck.mjs\""));
        Fixtures.commit(repo, "kleiber init");

        Cli.Result result = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()))
                .run("validate");

        assertThat(result.out()).as(result.out() + result.err()).contains("[PASS] test")
                .contains("[PASS] coverage").contains("coverage/web/lcov.info 100");
        assertThat(result.exitCode()).isZero();
        // the checkout's node_modules was only read: the worktree's cache went with the worktree
        assertThat(repo.resolve("node_modules/.vite")).doesNotExist();
        assertThat(GitRepos.git(repo, "worktree", "list").lines()).hasSize(1);
    }
}
