package dev.kleiber.conductor;

import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.conductor.FakePorts.CountingValidator;
import dev.kleiber.conductor.FakePorts.ScriptedWorker;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.ledger.BudgetLimits;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.PriceTable;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Router;
import dev.kleiber.store.Claim;
import dev.kleiber.store.LeaseLostException;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Workers on "other machines" (each with its own store connections and its own cache of a bare git remote) claim
 * one run's tasks from PostgreSQL, push their branches and merge into the remote's main under the merge lease;
 * a holder whose claim was taken over has its pushes refused by git, fenced by the newer claim's token.
 */
class RemoteWorkersTest {
    private static final String RUN = "remote-run";
    private static final Duration TTL = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private static PlannedTask task(String id, String... dependsOn) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", "Add the " + id + " endpoint",
                List.of("it works"), Optional.empty(), Optional.empty(), Arrays.asList(dependsOn), Priority.P1,
                List.of(), Optional.empty());
    }

    /** A bare remote whose main has one commit. */
    private Path remote() {
        Path seed = GitRepos.init(tmp.resolve("seed"));
        Path bare = tmp.resolve("remote.git");
        GitRepos.git(tmp, "clone", "-q", "--bare", seed.toString(), bare.toString());
        return bare;
    }

    private static void record(Store store, Plan plan) {
        List<Tasks.NewTask> tasks = plan.tasks().stream().map(t -> new Tasks.NewTask(t.id(), t.agent(),
                dev.kleiber.routing.Tier.SONNET, t.dependsOn())).toList();
        store.runs().create(RUN, "a request", tx -> {
            store.events().append(tx, RUN, "", RunPlan.PLAN_EVENT, new PlanFileWriter().write(plan));
            store.tasks().add(tx, RUN, tasks);
            return null;
        });
    }

    /** An agent that writes one file named for its task and commits it on the task's branch. */
    private static WorkOutcome commitAFile(Worker.Assignment assignment) {
        try {
            Files.createDirectories(assignment.worktree().resolve("src"));
            Files.writeString(assignment.worktree().resolve("src/" + assignment.task().id() + ".txt"), assignment.task().id() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GitRepos.git(assignment.worktree(), "add", "-A");
        GitRepos.git(assignment.worktree(), "commit", "-q", "-m", "work on " + assignment.task().id());
        return new WorkOutcome.Completed("did " + assignment.task().id());
    }

    private Conductor conductorFor(Store store, Claim claim, RemoteGit remote, Path cache) {
        ProjectConfig project = new ProjectConfig(new ProjectLayout(remote.clone()), KleiberConfig.defaults(), Map.of());
        Ledger ledger = new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS, Clock.systemUTC());
        return Conductor.builder(store, ledger, project)
                .router(new Router(RoutingPolicies.load(Optional.empty())))
                .worker(new ScriptedWorker(RemoteWorkersTest::commitAFile))
                .workspace(RemoteWorkspace.forClaim(remote, cache.resolve("worktrees"), store, claim,
                        project.knownRoles(), Clock.systemUTC(), Duration.ofSeconds(30), "main"))
                .validator(CountingValidator.passing())
                .leaseTtl(TTL)
                .build();
    }

    @Test
    void twoWorkersWithTheirOwnCachesMergeEveryTaskOnceIntoTheRemotesMain() throws Exception {
        Path bare = remote();
        StoreUrl url = TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp);
        Plan plan = new Plan(List.of(task("t1"), task("t2"), task("t3"), task("t4", "t1"), task("t5", "t2", "t3"),
                task("t6", "t4", "t5")));
        List<Store> stores = new ArrayList<>();
        List<WorkerProcess> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (String name : List.of("alpha", "beta")) {
                Store store = Store.open(url, Clock.systemUTC());
                stores.add(store);
                if (stores.size() == 1) {
                    record(store, plan);
                }
                Path cache = tmp.resolve("cache-" + name);
                RemoteGit remote = RemoteGit.open(bare.toString(), cache.resolve("repo"), Duration.ofSeconds(60));
                WorkerProcess worker = new WorkerProcess(store, new WorkerProcess.Identity("worker-" + name, "host-" + name,
                        1000 + stores.size(), 2, Set.of(), ""), TTL, Duration.ofMillis(50),
                        claim -> conductorFor(store, claim, remote, cache).execute(claim), line -> { });
                workers.add(worker);
                threads.add(Thread.ofVirtual().start(worker::run));
            }
            Store store = stores.getFirst();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (store.tasks().ofRun(RUN).stream().anyMatch(t -> t.state() != TaskState.MERGED) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(store.workers().live()).extracting(w -> w.host()).containsExactly("host-alpha", "host-beta");
            workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
            for (Thread thread : threads) {
                thread.join(10_000);
            }

            assertThat(store.tasks().ofRun(RUN)).allSatisfy(t -> assertThat(t.state()).as(t.id() + ": "
                    + store.events().ofTask(RUN, t.id()).stream().map(e -> e.kind() + " " + e.detail()).toList())
                    .isEqualTo(TaskState.MERGED));
            String log = GitRepos.git(bare, "log", "--format=%(trailers:key=Kleiber-Task,valueonly)", "main");
            List<String> merged = log.lines().filter(l -> !l.isBlank()).sorted().toList();
            assertThat(merged).as("each task merged once on the remote's main").containsExactly("t1", "t2", "t3", "t4", "t5", "t6");
            assertThat(GitRepos.git(bare, "ls-tree", "--name-only", "main", "src/").lines().toList())
                    .containsExactly("src/t1.txt", "src/t2.txt", "src/t3.txt", "src/t4.txt", "src/t5.txt", "src/t6.txt");
            List<String> holders = store.database().read(tx -> tx.query("SELECT DISTINCT holder FROM attempts",
                    rs -> rs.getString(1)));
            assertThat(holders).as("both workers did some").containsExactlyInAnyOrder("worker-alpha", "worker-beta");
            long leases = store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases"));
            assertThat(leases).as("no lease left").isZero();
            assertThat(store.workers().live()).as("deregistered").isEmpty();
            for (String name : List.of("alpha", "beta")) {
                try (Stream<Path> left = Files.list(tmp.resolve("cache-" + name).resolve("worktrees"))) {
                    assertThat(left.filter(p -> !p.getFileName().toString().equals("_merge")).toList())
                            .as("no worktree left in " + name).isEmpty();
                }
            }
        } finally {
            workers.forEach(w -> w.stop(Duration.ZERO));
            stores.forEach(Store::close);
        }
    }

    @Test
    void aStaleHoldersPushOfItsBranchAndOfMainIsRefusedByGit() throws Exception {
        Path bare = remote();
        StoreUrl url = TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp);
        Plan plan = new Plan(List.of(task("slow")));
        try (Store store = Store.open(url, Clock.systemUTC())) {
            record(store, plan);
            RunPlan routed = RunPlan.load(store, RUN, Set.of("engineer-backend"), new Router(RoutingPolicies.load(Optional.empty())));
            RoutedTask task = routed.task("slow");
            RemoteGit staleGit = RemoteGit.open(bare.toString(), tmp.resolve("cache-stale/repo"), Duration.ofSeconds(60));
            RemoteGit freshGit = RemoteGit.open(bare.toString(), tmp.resolve("cache-fresh/repo"), Duration.ofSeconds(60));

            Claim stale = store.queue().claimAny("worker-stale", Set.of(), Duration.ofMillis(200)).orElseThrow();
            RemoteWorkspace staleSpace = RemoteWorkspace.forClaim(staleGit, tmp.resolve("cache-stale/worktrees"), store,
                    stale, Set.of("engineer-backend"), Clock.systemUTC(), Duration.ofSeconds(5), "main");
            Path staleTree = staleSpace.open(task, stale.attempt());
            commitAFile(new Worker.Assignment(RUN, task, task.tier(), stale.attempt(), staleTree, Optional.empty()));
            staleSpace.pushBranch(task);
            String pushedByStale = GitRepos.git(bare, "rev-parse", "refs/heads/" + task.branch()).strip();

            // the stale holder stalls past its lease; another worker takes the task and its fence
            Thread.sleep(300);
            assertThat(store.queue().requeueExpired(RUN)).hasSize(1);
            Claim fresh = store.queue().claimAny("worker-fresh", Set.of(), TTL).orElseThrow();
            RemoteWorkspace freshSpace = RemoteWorkspace.forClaim(freshGit, tmp.resolve("cache-fresh/worktrees"), store,
                    fresh, Set.of("engineer-backend"), Clock.systemUTC(), Duration.ofSeconds(5), "main");
            Path freshTree = freshSpace.open(task, fresh.attempt());
            assertThat(Files.readString(freshTree.resolve("src/slow.txt"))).as("restarts from the pushed branch").isEqualTo("slow\n");

            Files.writeString(staleTree.resolve("late.txt"), "a zombie's late work\n");
            GitRepos.git(staleTree, "add", "-A");
            GitRepos.git(staleTree, "commit", "-q", "-m", "late");
            assertThatThrownBy(() -> staleSpace.pushBranch(task)).isInstanceOf(LeaseLostException.class)
                    .hasMessageContaining("refused");
            assertThatThrownBy(() -> staleSpace.merge(RUN, task, stale.attempt())).isInstanceOf(LeaseLostException.class);
            assertThat(GitRepos.git(bare, "rev-parse", "refs/heads/" + task.branch()).strip()).isEqualTo(pushedByStale);
            assertThat(GitRepos.git(bare, "ls-tree", "--name-only", "main").lines().toList()).containsExactly("README.md");

            assertThat(freshSpace.merge(RUN, task, fresh.attempt())).isInstanceOf(Workspace.MergeResult.Merged.class);
            // the task's work, and its CHANGELOG entry in the same push (ADR 0132)
            assertThat(GitRepos.git(bare, "ls-tree", "--name-only", "-r", "main").lines().toList())
                    .containsExactly("CHANGELOG.md", "README.md", "src/slow.txt");
            assertThat(GitRepos.git(bare, "show", "main:CHANGELOG.md")).contains("(slow)");
            assertThatThrownBy(() -> staleSpace.close(task, stale.attempt())).isInstanceOf(LeaseLostException.class);
            assertThat(staleTree).as("its worktree goes all the same").doesNotExist();
        }
    }

    /**
     * Two slots of one worker share its cache: a worktree must never be added or removed while the other slot fetches
     * (git's connectivity check after a fetch reads every worktree's HEAD, and a worktree half added has none: CI saw
     * "bad object worktrees/t1@1/HEAD"). A slot holding the clone (as a fetch does) keeps the other's worktree
     * removal waiting; and a fetch that fails anyway is a step tried again, not a failed task.
     */
    @Test
    void aWorktreeOfTheCacheIsNeverAddedOrRemovedWhileAnotherSlotFetchesAndAFailedFetchIsTriedAgain() throws Exception {
        Path bare = remote();
        try (Store store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC())) {
            record(store, new Plan(List.of(task("t1"))));
            RoutedTask task = RunPlan.load(store, RUN, Set.of("engineer-backend"),
                    new Router(RoutingPolicies.load(Optional.empty()))).task("t1");
            RemoteGit git = RemoteGit.open(bare.toString(), tmp.resolve("cache/repo"), Duration.ofSeconds(60));
            Claim claim = store.queue().claimAny("worker-1", Set.of(), TTL).orElseThrow();
            RemoteWorkspace space = RemoteWorkspace.forClaim(git, tmp.resolve("cache/worktrees"), store, claim,
                    Set.of("engineer-backend"), Clock.systemUTC(), Duration.ofSeconds(5), "main");
            Path worktree = space.open(task, claim.attempt());

            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread fetching = Thread.ofVirtual().start(() -> {
                synchronized (git) {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            holding.await();
            Thread closing = Thread.ofVirtual().start(() -> space.close(task, claim.attempt()));
            closing.join(Duration.ofMillis(500));
            assertThat(closing.isAlive()).as("the worktree's removal waits for the fetch").isTrue();
            assertThat(worktree).exists();
            release.countDown();
            closing.join(Duration.ofSeconds(30));
            fetching.join(Duration.ofSeconds(5));
            assertThat(worktree).doesNotExist();

            // the remote is gone for a moment: the step is transient, tried again after a pause
            Path moved = tmp.resolve("remote-away.git");
            Files.move(bare, moved);
            Throwable failed = org.assertj.core.api.Assertions.catchThrowable(git::fetch);
            assertThat(failed).isInstanceOf(RemoteGit.FetchFailed.class);
            assertThat(StepFailure.of(failed)).isInstanceOf(StepFailure.Transient.class);
            Files.move(moved, bare);
            git.fetch();
        }
    }
}
