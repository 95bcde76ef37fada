package dev.kleiber.cli;

import dev.kleiber.config.ProjectLayout;
import dev.kleiber.server.RunLauncher;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber serve} with {@code $KLEIBER_REMOTE} set (as beside its workers in a deployment): a run started through
 * the API is enqueued for the workers of that remote, which push and merge there, instead of being run and merged in
 * the server's own checkout.
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
        try (ServerRuns runs = new ServerRuns(context, new ProjectLayout(repo), Optional.of(script),
                new PrintWriter(new StringWriter()), event -> { })) {
            runId = runs.start(new RunLauncher.Start.PlanText(PLAN), "alice");
        }
        try (Store store = Store.open(new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db")), Clock.systemUTC())) {
            assertThat(store.runs().remoteOf(runId)).contains(REMOTE);
            assertThat(store.tasks().ofRun(runId)).extracting(t -> t.state())
                    .as("nothing ran in the server").containsOnly(TaskState.PLANNED);
            assertThat(store.queue().claimAny("worker-elsewhere", Set.of(), Duration.ofMinutes(1)))
                    .as("not a task for workers of no remote").isEmpty();
            assertThat(store.queue().claimAny("worker-1", REMOTE, Set.of(), Duration.ofMinutes(1)))
                    .hasValueSatisfying(claim -> assertThat(claim.task().id()).isEqualTo("price-api"));
        }
        // resumed here, it would merge into this checkout beside the remote's workers
        Cli.Result resumed = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()))
                .run("resume", "--run", runId, "--script", script.toString());
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isEqualTo(2);
        assertThat(resumed.err()).contains("runs on the workers of " + REMOTE).contains("it is not resumed here");
    }
}
