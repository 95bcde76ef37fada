package dev.kleiber.git;

import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration's names are read once per repository and again whenever a file that defines them changes —
 * never stale, or a driver planted after the first git call would run.
 */
class ConfigNamesTest {
    @TempDir
    Path tmp;
    Path repo;

    @BeforeEach
    void init() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "ignore");
    }

    /** Lists names with real git, counting how often it is asked. */
    private static final class Listing {
        final AtomicInteger reads = new AtomicInteger();

        Supplier<Optional<List<String>>> in(Path dir) {
            return () -> {
                reads.incrementAndGet();
                return Optional.of(InertGit.names(GitRepos.git(dir, "config", "--list", "--name-only", "-z")));
            };
        }
    }

    @Test
    void namesAreReadOnceUntilTheRepositorysConfigChanges() {
        ConfigNames names = ConfigNames.cached();
        Listing git = new Listing();

        List<String> first = names.of(repo, git.in(repo));
        assertThat(names.of(repo, git.in(repo))).isEqualTo(first);
        assertThat(names.of(repo.resolve("src"), git.in(repo))).isEqualTo(first);
        assertThat(git.reads).hasValue(1);

        GitRepos.git(repo, "config", "filter.late.clean", "cat");
        assertThat(names.of(repo, git.in(repo))).contains("filter.late.clean");
        assertThat(git.reads).hasValue(2);
        assertThat(names.of(repo, git.in(repo))).contains("filter.late.clean");
        assertThat(git.reads).hasValue(2);
    }

    @Test
    void aWorktreeIsKeyedByItsOwnConfigTooAndSeesTheSharedOnesChanges() {
        Path wt = repo.resolve(".kleiber/wt");
        GitRepos.git(repo, "worktree", "add", "-q", "-b", "feature/a", wt.toString());
        ConfigNames names = ConfigNames.cached();
        Listing git = new Listing();

        names.of(wt, git.in(wt));
        names.of(wt, git.in(wt));
        assertThat(git.reads).hasValue(1);

        GitRepos.git(repo, "config", "extensions.worktreeConfig", "true");
        GitRepos.git(wt, "config", "--worktree", "merge.mine.driver", "true");
        assertThat(names.of(wt, git.in(wt))).contains("merge.mine.driver", "extensions.worktreeconfig");
        assertThat(git.reads).hasValue(2);
        assertThat(ConfigNames.configFiles(wt)).get().asList().hasSize(2)
                .last().asString().endsWith("config.worktree").contains(".git/worktrees/wt");
    }

    @Test
    void aConfigurationThatIncludesOtherFilesIsReadEveryTime() throws IOException {
        Path included = Files.writeString(tmp.resolve("more.config"), "[filter \"inc\"]\n\tclean = cat\n");
        GitRepos.git(repo, "config", "include.path", included.toString());
        ConfigNames names = ConfigNames.cached();
        Listing git = new Listing();

        assertThat(names.of(repo, git.in(repo))).contains("filter.inc.clean");
        names.of(repo, git.in(repo));
        assertThat(git.reads).hasValue(2);
    }

    @Test
    void outsideARepositoryOrUncachedItAlwaysAsksGit() {
        Listing git = new Listing();
        ConfigNames uncached = ConfigNames.uncached();
        uncached.of(repo, git.in(repo));
        uncached.of(repo, git.in(repo));
        assertThat(git.reads).hasValue(2);
        assertThat(ConfigNames.configFiles(tmp)).isEmpty();
    }

    @Test
    void aDriverPlantedAfterTheFirstCallsStillNeverRuns() throws IOException {
        GitRepository git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        Path wt = git.addWorktree(repo.resolve(".kleiber/worktrees/t1"), "feature/t1", "main").path();
        Files.writeString(wt.resolve("a.txt"), "before\n");
        git.commitAll(wt, CommitMessage.of("first", Map.of("Kleiber-Task", "t1")));

        Path marker = tmp.resolve("ran");
        Path program = tmp.resolve("clean.sh");
        Files.writeString(program, "#!/bin/sh\ntouch '" + marker + "'\necho planted\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(wt.resolve(".gitattributes"), "*.txt filter=planted\n");
        GitRepos.git(repo, "config", "filter.planted.clean", program.toString());
        Files.writeString(wt.resolve("b.txt"), "exactly this\n");
        String commit = git.commitAll(wt, CommitMessage.of("second", Map.of("Kleiber-Task", "t1"))).orElseThrow();

        assertThat(marker).doesNotExist();
        assertThat(GitRepos.git(repo, "cat-file", "-p", commit + ":b.txt")).isEqualTo("exactly this\n");
    }
}
