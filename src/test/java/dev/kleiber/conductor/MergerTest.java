package dev.kleiber.conductor;

import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.MergeResult;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.PolicyReader;
import dev.kleiber.routing.Router;
import dev.kleiber.store.Merges;
import dev.kleiber.store.Store;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Already merged" is this run's task on main, as the store recorded it — never an older run's task that had the
 * same id (issue 13, defect 2) — and a merge a crash left unconfirmed is settled from main's newest commits alone.
 */
class MergerTest {
    private static final Router ROUTER = new Router(new PolicyReader().bundled());

    @TempDir
    Path dir;

    private Path repo;
    private GitRepository git;
    private Store store;
    private Merger merger;
    private final RoutedTask task = RoutedTask.route(new PlannedTask("add-sum", "Add sum", "engineer-backend",
            "Add a sum helper", List.of("It sums"), Optional.empty(), Optional.empty(), List.of(), Priority.P1, List.of(),
            Optional.empty()), ROUTER);

    @BeforeEach
    void setUp() throws Exception {
        repo = GitRepos.init(dir.resolve("repo"));
        git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        ManualClock clock = new ManualClock();
        store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, dir), clock);
        merger = new Merger(git, store.merges(), repo, Set.of("engineer-backend"), clock, "main");
    }

    @Test
    void aTaskIdMergedByAnEarlierRunIsNotMergedForTheNextRun() throws Exception {
        commitOnBranch("sum.js", "one");
        assertThat(merger.merge("run-1", task, 1)).isInstanceOf(Merger.Result.Merged.class);
        assertThat(merger.isMerged("run-1", task)).isTrue();

        // run-2 reuses the id: main carries Kleiber-Task: add-sum, but not run-2's
        assertThat(merger.isMerged("run-2", task)).isFalse();
        commitOnBranch("sum.js", "two");
        Merger.Result second = merger.merge("run-2", task, 1);

        assertThat(second).isInstanceOfSatisfying(Merger.Result.Merged.class, m -> assertThat(m.already()).isFalse());
        assertThat(GitRepos.git(repo, "show", "main:sum.js")).isEqualTo("two\n");
        assertThat(GitRepos.git(repo, "log", "-1", "--format=%(trailers:key=Kleiber-Run,valueonly)", "main").strip())
                .isEqualTo("run-2");
        assertThat(store.merges().ofTaskIds(List.of(task.id()))).extracting(Merges.MergeRecord::runId)
                .containsExactly("run-1", "run-2");
    }

    @Test
    void aMergeTheCrashLeftUnconfirmedIsFoundOnMainAndRecorded() throws Exception {
        commitOnBranch("sum.js", "one");
        // the process recorded its intent, git moved main, then it died before the store heard of it
        store.merges().intend("run-1", task.id(), 1, git.commitOf("main"));
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("Kleiber-Task", task.id());
        trailers.put("Kleiber-Run", "run-1");
        MergeResult landed = git.merge(task.branch(), "main", CommitMessage.of("Merge add-sum", trailers));
        String commit = ((MergeResult.Merged) landed).commit();

        assertThat(merger.isMerged("run-1", task)).isTrue();
        assertThat(store.merges().find("run-1", task.id()).flatMap(Merges.MergeRecord::commit)).contains(commit);
        assertThat(merger.merge("run-1", task, 2)).isInstanceOfSatisfying(Merger.Result.Merged.class,
                m -> assertThat(m.already()).isTrue());
    }

    @Test
    void anIntentGitNeverCarriedOutIsNotAMerge() throws Exception {
        commitOnBranch("sum.js", "one");
        store.merges().intend("run-1", task.id(), 1, git.commitOf("main"));

        assertThat(merger.isMerged("run-1", task)).isFalse();
        assertThat(store.merges().find("run-1", task.id())).as("the dead intent is dropped").isEmpty();
        assertThat(merger.merge("run-1", task, 2)).isInstanceOfSatisfying(Merger.Result.Merged.class,
                m -> assertThat(m.already()).isFalse());
    }

    @Test
    void aConflictLeavesMainAndTheStoreAsTheyWere() throws Exception {
        commitOnBranch("README.md", "theirs");
        Files.writeString(repo.resolve("README.md"), "ours\n");
        GitRepos.git(repo, "commit", "-qam", "main moves");
        String before = git.commitOf("main");

        Merger.Result result = merger.merge("run-1", task, 1);

        assertThat(result).isInstanceOfSatisfying(Merger.Result.Conflicted.class,
                c -> assertThat(c.files()).containsExactly("README.md"));
        assertThat(git.commitOf("main")).isEqualTo(before);
        assertThat(store.merges().find("run-1", task.id())).isEmpty();
        assertThat(GitRepos.git(repo, "status", "--porcelain")).isEmpty();
    }

    private void commitOnBranch(String file, String content) throws Exception {
        Path worktree = dir.resolve("wt-" + System.nanoTime());
        git.addWorktree(worktree, task.branch(), "main");
        Files.writeString(worktree.resolve(file), content + "\n");
        GitRepos.git(worktree, "add", "-A");
        GitRepos.git(worktree, "commit", "-qm", "work", "--trailer", "Kleiber-Task: " + task.id());
        git.removeWorktree(worktree);
    }
}
