package dev.kleiber.conductor;

import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Router;
import dev.kleiber.scribe.RunRecords;
import dev.kleiber.store.Store;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the conductor of a run on many machines does to the run's branches and main reaches the shared remote (a
 * bare repository here), not the conductor's checkout, which never has them.
 */
class RemoteRunWorkspaceTest {
    @TempDir
    Path tmp;

    private Path bare;
    private Path person;
    private Store store;
    private RemoteRunWorkspace workspace;
    private RoutedTask task;

    @BeforeEach
    void setUp() {
        Path seed = GitRepos.init(tmp.resolve("seed"));
        bare = tmp.resolve("remote.git");
        GitRepos.git(tmp, "clone", "-q", "--bare", seed.toString(), bare.toString());
        // a person's (or a worker's) clone that moves the remote
        person = tmp.resolve("person");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), person.toString());
        Path checkout = tmp.resolve("conductor");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), checkout.toString());
        store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC());
        GitRepository git = new GitRepository(checkout, checkout.resolve(".kleiber/worktrees/_merge"));
        GitWorkspace own = new GitWorkspace(git, checkout, checkout.resolve(".kleiber/worktrees"),
                new Merger(git, store.merges(), checkout, Set.of("engineer-backend"), Clock.systemUTC(), "main"));
        RemoteCache cache = new RemoteCache(Optional.of(tmp.resolve("cache")), Optional::empty, Duration.ofSeconds(30));
        workspace = new RemoteRunWorkspace(own, cache, bare.toString(), store, Set.of("engineer-backend"), Clock.systemUTC(),
                "main", Duration.ofSeconds(10));
        PlannedTask planned = new PlannedTask("fees", "Fees", "engineer-backend", "Add fees", List.of("it works"),
                Optional.empty(), Optional.empty(), List.of(), Priority.P1, List.of(), Optional.empty());
        task = RunPlan.route("run-1", new Plan(List.of(planned)), new Router(RoutingPolicies.load(Optional.empty())))
                .task("fees");
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    /** Commits {@code text} into {@code file} on {@code branch} (from main) in the person's clone and pushes it. */
    private void push(String branch, String file, String text) {
        GitRepos.git(person, "fetch", "-q", "origin");
        GitRepos.git(person, "checkout", "-q", "-B", branch, "origin/main");
        write(person.resolve(file), text);
        GitRepos.git(person, "add", "-A");
        GitRepos.git(person, "commit", "-q", "-m", "change " + file + " on " + branch);
        GitRepos.git(person, "push", "-q", "origin", branch);
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aTasksBranchIsJudgedAndDroppedOnTheRemote() {
        assertThat(workspace.hasBranch(task)).isFalse();
        push(task.branch(), "src/fees.js", "export const fee = 1;\n");
        assertThat(workspace.hasBranch(task)).isTrue();

        workspace.dropBranch(task);

        assertThat(GitRepos.git(bare, "branch", "--list", task.branch())).isBlank();
        assertThat(workspace.hasBranch(task)).isFalse();
    }

    @Test
    void aResolutionBranchHoldsTheRemotesMainWithTheTasksPushedBranchMergedConflictsAndAllAndIsPushed() {
        push(task.branch(), "src/fees.js", "export const fee = 'task';\n");
        push("main", "src/fees.js", "export const fee = 'main';\n");

        List<String> files = workspace.branchWithConflicts("resolve-fees", "kleiber/resolve-fees", task);

        assertThat(files).containsExactly("src/fees.js");
        assertThat(GitRepos.git(bare, "show", "kleiber/resolve-fees:src/fees.js")).contains("<<<<<<<")
                .contains("'task'").contains("'main'");
        assertThat(GitRepos.git(bare, "merge-base", "--is-ancestor", "main", "kleiber/resolve-fees")).isEmpty();
        // an answer a crash interrupted left the branch there: made again from the current main, and replaced
        push("main", "src/other.js", "export const other = 1;\n");
        assertThat(workspace.branchWithConflicts("resolve-fees", "kleiber/resolve-fees", task)).containsExactly("src/fees.js");
        assertThat(GitRepos.git(bare, "show", "kleiber/resolve-fees:src/other.js")).contains("other = 1");
    }

    @Test
    void theSummaryIsWrittenIntoTheRemotesMainAndPushedAgainWhenMainMovedMeanwhile() {
        AtomicInteger writes = new AtomicInteger();
        RunRecords.Outcome outcome = workspace.commitSummary("run-1", tmp.resolve("conductor"), into -> {
            if (writes.incrementAndGet() == 1) {
                // a worker merges while the summary is written: the push is refused and the summary written again
                push("main", "src/merged.js", "export const merged = 1;\n");
            }
            write(into.resolve("PROGRESS.md"), "# Progress\n\n- run-1: summary " + writes.get() + "\n");
        });

        assertThat(outcome).isInstanceOf(RunRecords.Outcome.Committed.class);
        assertThat(writes).hasValue(2);
        assertThat(GitRepos.git(bare, "show", "main:PROGRESS.md")).contains("summary 2");
        assertThat(GitRepos.git(bare, "show", "main:src/merged.js")).contains("merged = 1");
        assertThat(store.leases().tryAcquire("merge:" + bare, "another-merger", Duration.ofSeconds(5)))
                .as("the merge lease is let go").isPresent();
        assertThat(GitRepos.git(tmp.resolve("conductor"), "log", "-1", "--format=%s", "main"))
                .as("the conductor's own checkout is not where the run's main is").doesNotContain("summary");
    }
}
