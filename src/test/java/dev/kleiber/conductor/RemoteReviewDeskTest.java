package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.FakePorts.CountingValidator;
import dev.kleiber.conductor.FakePorts.ScriptedWorker;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
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
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Event;
import dev.kleiber.store.LeaseLostException;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The review of a remote run's task, in-process (ADR 0134): a worker's conductor leaves a task awaiting review and
 * sends its records; the reviewer's {@link ReviewDesk} approves it into the remote's main. Here the cases the
 * end-to-end {@code cli.RemoteReviewTest} cannot reach deterministically: a conflict on approval blocks the task and
 * sends its blocked file to the conductor, an approval cut short after its push is recorded and not merged again, and
 * a forged records event is read only for what it may hold. The store's review lease: {@code store.ReviewLeaseTest}.
 */
class RemoteReviewDeskTest {
    private static final String RUN = "remote-run";
    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Set<String> ROLES = Set.of("engineer-backend");

    @TempDir
    Path tmp;

    private Path bare;
    private Store store;
    private RemoteGit workerGit;
    private ReviewDesk desk;
    private Router router;

    @BeforeEach
    void aRemoteRunWithATaskAwaitingReview() {
        Path seed = GitRepos.init(tmp.resolve("seed"));
        bare = tmp.resolve("remote.git");
        GitRepos.git(tmp, "clone", "-q", "--bare", seed.toString(), bare.toString());
        store = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), Clock.systemUTC());
        router = new Router(RoutingPolicies.load(Optional.empty()));
        Plan plan = new Plan(List.of(new PlannedTask("rates", "Shipping rates", "engineer-backend", "Add src/rates.txt",
                List.of("it exists"), Optional.empty(), Optional.empty(), List.of(), Priority.P1, List.of(),
                Optional.empty(), Optional.of("payments"), Optional.empty())));
        store.runs().create(RUN, "a request", tx -> {
            store.events().append(tx, RUN, "", RunPlan.PLAN_EVENT, new PlanFileWriter().write(plan));
            store.tasks().add(tx, RUN, List.of(new Tasks.NewTask("rates", "engineer-backend", Tier.SONNET, List.of())));
            store.runs().remote(tx, RUN, bare.toString());
            return null;
        });
        workerGit = RemoteGit.open(bare.toString(), tmp.resolve("worker/repo"), Duration.ofSeconds(60));
        Claim claim = store.queue().claimAny("worker-1", bare.toString(), Set.of(), TTL).orElseThrow();
        ProjectConfig project = new ProjectConfig(new ProjectLayout(workerGit.clone()), KleiberConfig.defaults(), Map.of());
        Ledger ledger = new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS, Clock.systemUTC());
        Conductor.builder(store, ledger, project).router(router)
                .worker(new ScriptedWorker(RemoteReviewDeskTest::writeRates))
                .workspace(RemoteWorkspace.forClaim(workerGit, tmp.resolve("worker/worktrees"), store, claim, ROLES,
                        Clock.systemUTC(), Duration.ofSeconds(30), "main"))
                .validator(CountingValidator.passing()).leaseTtl(TTL).build()
                .execute(claim);
        RemoteReview.publish(store, workerGit.clone(), claim, ROLES);
        assertThat(store.tasks().find(RUN, "rates").orElseThrow().state()).isEqualTo(TaskState.AWAITING_REVIEW);

        Path checkout = tmp.resolve("reviewer");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), checkout.toString());
        desk = new ReviewDesk(store, new dev.kleiber.git.GitRepository(checkout, checkout.resolve(".kleiber/worktrees/_merge")),
                new ProjectConfig(new ProjectLayout(checkout), KleiberConfig.defaults(), Map.of()), router,
                Clock.systemUTC(), new RemoteCache(Optional.of(tmp.resolve("reviewer-cache")), Optional::empty,
                Duration.ofSeconds(5)));
    }

    @org.junit.jupiter.api.AfterEach
    void closeStore() {
        store.close();
    }

    private static WorkOutcome writeRates(Worker.Assignment assignment) {
        try {
            Files.writeString(assignment.worktree().resolve("rates.txt"), "DHL 4.90\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GitRepos.git(assignment.worktree(), "add", "-A");
        GitRepos.git(assignment.worktree(), "commit", "-q", "-m", "rates");
        return new WorkOutcome.Completed("added the rates");
    }

    private List<String> mergedOnMain() {
        return GitRepos.git(bare, "log", "--first-parent", "--format=%(trailers:key=Kleiber-Task,valueonly)", "main")
                .lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private long leases() {
        return store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases WHERE subject IS NOT NULL"));
    }

    @Test
    void aConflictOnApprovalBlocksTheTaskAndItsBlockedFileGoesToTheConductorThroughTheStore() {
        // main moved meanwhile with a different rates.txt
        Path other = tmp.resolve("other");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), other.toString());
        GitRepos.git(other, "checkout", "-q", "main");
        try {
            Files.writeString(other.resolve("rates.txt"), "UPS 5.10\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GitRepos.git(other, "add", "-A");
        GitRepos.git(other, "commit", "-q", "-m", "rates by hand");
        GitRepos.git(other, "push", "-q", "origin", "main");
        String mainBefore = GitRepos.git(bare, "rev-parse", "main").strip();

        assertThatThrownBy(() -> desk.approve(RUN, "rates", "ana")).isInstanceOf(KleiberException.class)
                .hasMessageContaining("conflicts in rates.txt").hasMessageContaining("the task is blocked");
        assertThat(store.tasks().find(RUN, "rates").orElseThrow().state()).isEqualTo(TaskState.BLOCKED);
        assertThat(GitRepos.git(bare, "rev-parse", "main").strip()).isEqualTo(mainBefore);
        assertThat(leases()).isZero();
        assertThat(store.events().ofTask(RUN, "rates")).filteredOn(e -> e.kind().equals(RemoteBlocked.EVENT))
                .singleElement().extracting(Event::detail).asString().contains("rates.txt");
        // the conductor receives it into its checkout as it does a worker's
        Path conductor = tmp.resolve("conductor");
        RemoteBlocked.receive(store, conductor, RUN, ROLES);
        assertThat(conductor.resolve("blocked/engineer-backend/rates-conflict.md")).exists();
    }

    @Test
    void anApprovalCutShortAfterItsPushIsRecordedByTheNextOneAndNotMergedAgain() {
        RoutedTask task = RunPlan.load(store, RUN, ROLES, router).task("rates");
        // an approval that pushed its merge and died before the store heard of it
        Claim cut = ((Tasks.ReviewLease.Taken) store.tasks().leaseForReview(RUN, "rates", "approve-dead", TTL)).review();
        RemoteGit deadGit = RemoteGit.open(bare.toString(), tmp.resolve("dead/repo"), Duration.ofSeconds(60));
        RemoteWorkspace dead = RemoteWorkspace.forClaim(deadGit, tmp.resolve("dead/worktrees"), store, cut, ROLES,
                Clock.systemUTC(), Duration.ofSeconds(5), "main");
        assertThat(dead.openForReview(task, "ana")).isPresent();
        assertThat(dead.merge(RUN, task, cut.attempt())).isInstanceOf(Workspace.MergeResult.Merged.class);
        store.tasks().endReview(cut);
        assertThat(mergedOnMain()).containsExactly("rates");

        String merged = desk.approve(RUN, "rates", "ana");
        assertThat(merged).isEqualTo(GitRepos.git(bare, "rev-parse", "main").strip());
        assertThat(mergedOnMain()).as("merged once").containsExactly("rates");
        assertThat(store.tasks().find(RUN, "rates").orElseThrow().state()).isEqualTo(TaskState.MERGED);
        assertThat(leases()).isZero();
        // the dead approval, were it to wake up, finds a newer fence on the remote
        assertThatThrownBy(() -> dead.openForReview(task, "ana")).isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("a newer holder has it");
    }

    @Test
    void aForgedRecordsEventIsReadOnlyForTheReportAndTheTasksOwnParsingProtocolFiles() {
        TaskRecord task = store.tasks().find(RUN, "rates").orElseThrow();
        String commit = desk.pending(RUN).getFirst().commit();
        assertThat(RemoteReview.received(store, task, commit, ROLES)).as("what the worker sent").isPresent();
        store.events().append(RUN, "rates", RemoteReview.EVENT, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("commit", commit).set("files", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode().put("../../.ssh/authorized_keys", "ssh-ed25519 AAAA")
                        .put("reports/rates-validation.md", "x".repeat(300 * 1024))
                        .put("complete/engineer-backend/rates-done.md", "not a done file")).toString());
        assertThat(RemoteReview.received(store, task, commit, ROLES).orElseThrow().files()).isEmpty();
        store.events().append(RUN, "rates", RemoteReview.EVENT, "{not json");
        assertThat(RemoteReview.received(store, task, commit, ROLES).orElseThrow().files()).as("the newest readable one")
                .isEmpty();
        assertThat(RemoteReview.received(store, task, "0".repeat(40), ROLES)).as("another commit's").isEmpty();
    }
}
