package dev.kleiber.cli;

import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.RemoteBlocked;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.server.RunLauncher;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber serve} with {@code $KLEIBER_REMOTE} set (as beside its workers in a deployment): a run started through
 * the API is enqueued for the workers of that remote, which push and merge there, instead of being run and merged in
 * the server's own checkout; {@code kleiber resume} of such a run conducts it (answers its blocked work) and runs no
 * task here.
 */
class ServerRunsRemoteTest {
    private static final String REMOTE = "ssh://git@git.example/shop.git";
    private static final String PLAN = """
            tasks:
              - id: price-api
                title: Price API
                agent: engineer-backend
                description: Add the price endpoint
                acceptance: [it answers]
              - id: price-label
                title: Price label
                agent: engineer-backend
                description: Show the price
                acceptance: [it shows]
                depends_on: [price-api]
            """;

    @TempDir
    Path tmp;

    @Test
    void aRunStartedThroughTheApiIsEnqueuedForTheWorkersOfTheRemote() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        // the server's own runtime is scripted; nothing here may ask a model: the workers elsewhere would
        Path script = Files.writeString(tmp.resolve("script.jsonl"), """
                {"key":"unused","response":{"id":"msg_unused","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
                "content":[{"type":"text","text":"unused"}],"stop_reason":"end_turn","stop_sequence":null,\
                "usage":{"input_tokens":1,"output_tokens":1}}}
                """);
        CliContext context = new CliContext(repo, Map.of("PATH", System.getenv("PATH"), "KLEIBER_REMOTE", REMOTE),
                Clock.systemUTC());
        String runId;
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC());
             ServerRuns runs = new ServerRuns(context, new ProjectLayout(repo), store, Optional.of(script),
                new PrintWriter(new StringWriter()), event -> { })) {
            runId = runs.start(new RunLauncher.Start.PlanText(PLAN), "alice");
        }
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            assertThat(store.runs().remoteOf(runId)).contains(REMOTE);
            assertThat(store.tasks().ofRun(runId)).extracting(t -> t.state())
                    .as("nothing ran in the server").containsOnly(TaskState.PLANNED);
            assertThat(store.queue().claimAny("worker-elsewhere", Set.of(), Duration.ofMinutes(1)))
                    .as("not a task for workers of no remote").isEmpty();
            Claim claim = store.queue().claimAny("worker-1", REMOTE, Set.of(), Duration.ofMinutes(1)).orElseThrow();
            assertThat(claim.task().id()).isEqualTo("price-api");
            // a person cancels it there: nothing is left for the workers
            store.tasks().transition(claim, TaskState.CANCELLED, "cancelled by a person");
        }
        // resumed here, it is conducted, not run: no task would merge into this checkout beside the remote's workers
        String mainBefore = GitRepos.git(repo, "rev-parse", "HEAD").strip();
        Cli.Result resumed = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()))
                .run("resume", "--run", runId, "--script", script.toString());
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("runs on the workers of " + REMOTE + ": following it and answering its blocked work")
                .contains("price-label waits for price-api (cancelled)");
        assertThat(GitRepos.git(repo, "rev-parse", "HEAD").strip()).isEqualTo(mainBefore);
    }

    @Test
    void theServerConductsItsRemoteRunsAndAsksAPersonWhatAWorkersBlockedFileNeeds() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        // the server's conductor answers the blocked file: it asks a person
        Path script = Files.writeString(tmp.resolve("script.jsonl"), """
                {"key":"conductor","response":{"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-1",\
                "content":[{"type":"tool_use","id":"toolu_1","name":"answer_blocked","input":{"decision":"ask_human",\
                "reason":"Only the business knows.","question":"Which currency do prices show in?"}}],\
                "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}}
                """);
        // the server and the workers share PostgreSQL, as in a deployment
        StoreUrl url = TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp);
        CliContext context = new CliContext(repo, Map.of("PATH", System.getenv("PATH"), "KLEIBER_REMOTE", REMOTE,
                "KLEIBER_STORE", url.toString()), Clock.systemUTC());
        Path file = repo.resolve("blocked/engineer-backend/price-api-conflict.md");
        try (Store store = Store.open(url, Clock.systemUTC());
             ServerRuns runs = new ServerRuns(context, new ProjectLayout(repo), store, Optional.of(script),
                     new PrintWriter(new StringWriter()), event -> { })) {
            String runId = runs.start(new RunLauncher.Start.PlanText(PLAN), "alice");
            // a worker elsewhere: its agent blocked, and it sent the blocked file through the store
            Claim claim = store.queue().claimAny("worker-1", REMOTE, Set.of(), Duration.ofMinutes(1)).orElseThrow();
            store.tasks().transition(claim, TaskState.BLOCKED, "unclear_requirements: the currency is not given");
            store.events().append(runId, "price-api", RemoteBlocked.EVENT, """
                    # Blocked: price-api
                    Agent: engineer-backend
                    Blocked Since: %s
                    Type: unclear_requirements

                    ## Problem
                    The currency of prices is not given.

                    ## Attempted Solutions
                    - Read the catalogue

                    ## Need From Conductor
                    The currency prices show in
                    """.formatted(Instant.now().truncatedTo(ChronoUnit.SECONDS)));

            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(BlockedDesk.questions(store, runId).containsKey("price-api") && Files.isRegularFile(file)
                    && Files.readString(file).contains("Asked a person")) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(BlockedDesk.questions(store, runId)).as(store.events().ofRun(runId).stream()
                            .map(e -> e.taskId() + " " + e.kind() + " " + e.detail()).toList().toString())
                    .containsEntry("price-api", "Which currency do prices show in?");
            assertThat(Files.readString(file)).contains("The currency of prices is not given")
                    .contains("Asked a person: Which currency do prices show in?");
        }
    }

    @Test
    void aDecisionContinuesARunAsTheKindItWasStartedAsAndItsFollowerSaysWhenNoWorkerCanTakeIt() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Path script = Files.writeString(tmp.resolve("script.jsonl"), """
                {"key":"unused","response":{"id":"msg_unused","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
                "content":[{"type":"text","text":"unused"}],"stop_reason":"end_turn","stop_sequence":null,\
                "usage":{"input_tokens":1,"output_tokens":1}}}
                """);
        Path planFile = Files.writeString(tmp.resolve("plan.yaml"), PLAN);
        StoreUrl url = new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db"));
        // enqueued for the workers of REMOTE by `kleiber run --remote --detach`; its follower has ended
        Cli.Result enqueued = new Cli(repo).run("run", "--plan", planFile.toString(), "--remote", REMOTE, "--detach",
                "--script", script.toString());
        assertThat(enqueued.exitCode()).as(enqueued.out() + enqueued.err()).isZero();
        String mainBefore = GitRepos.git(repo, "rev-parse", "HEAD").strip();
        // a server without $KLEIBER_REMOTE (its own runs run here) hears of a decision on that run
        CliContext context = new CliContext(repo, Map.of("PATH", System.getenv("PATH"), "KLEIBER_WAIT_FOR_WORKERS", "1s"),
                Clock.systemUTC());
        try (Store store = Store.open(url, Clock.systemUTC());
             ServerRuns runs = new ServerRuns(context, new ProjectLayout(repo), store, Optional.of(script),
                     new PrintWriter(new StringWriter()), event -> { })) {
            String runId = store.runs().all().getFirst().id();
            store.runs().setState(runId, "waiting");

            runs.proceed(runId, "alice");

            // it follows the run on the remote's workers, as its record says: no task runs in this checkout, and with
            // no worker alive the follower says so after $KLEIBER_WAIT_FOR_WORKERS and ends, leaving the run waiting
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.runEvents().after(runId, 0, 1000).stream().noneMatch(e -> e.kind().equals("NoLiveWorker"))
                    && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(store.runEvents().after(runId, 0, 1000)).filteredOn(e -> e.kind().equals("NoLiveWorker"))
                    .singleElement().satisfies(e -> assertThat(e.json()).contains("\"remote\":\"" + REMOTE + "\"")
                            .contains("\"queued\":[\"price-api\"]").contains("kleiber worker --remote " + REMOTE));
            until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!store.runs().find(runId).orElseThrow().state().equals("waiting") && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(store.runs().find(runId).orElseThrow().state()).isEqualTo("waiting");
            assertThat(store.tasks().states(runId).values()).containsOnly(TaskState.PLANNED);
            assertThat(store.events().ofRun(runId)).extracting(e -> e.kind()).contains("api.resume");
        }
        assertThat(GitRepos.git(repo, "rev-parse", "HEAD").strip()).as("nothing ran here").isEqualTo(mainBefore);
    }
}
