package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.store.Runs;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.FakeApiRun;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SamplePlans;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run of {@code kleiber serve} with {@code $KLEIBER_REMOTE}, cancelled through the API while a {@code kleiber worker}
 * JVM's agent is mid-call: the API answers 202 {@code cancelled} (then 409), the run and its tasks are cancelled in
 * the store so no worker claims one, the worker stops the session promptly (its lease keeper sees the lease the cancel
 * ended), removes its worktree, pushes and merges nothing and releases the claim; the event reaches the live stream.
 * A {@code kleiber run --remote} following a run cancelled elsewhere says who cancelled it; {@code kleiber resume}
 * refuses it.
 */
class RemoteRunCancelTest {
    private static final String KEY = "sk-ant-remote-cancel-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PLAN = SamplePlans.ALPHA_THEN_BRAVO;

    @TempDir
    Path tmp;

    @Test
    void aRemoteRunCancelledThroughTheApiStopsItsWorkersSessionAndNothingOfItLands() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        String mainBefore = GitRepos.git(bare, "rev-parse", "main").strip();
        Path checkout = tmp.resolve("server");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), checkout.toString());
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WorkerJvm worker = null;
        ServerProcess server = null;
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            try {
                api.respondWith(request -> {
                    if (request.json().path("messages").size() == 1) {
                        // alpha's agent first writes its file: the attempt has work a push would keep
                        ObjectNode write = FakeApiRun.write("src/services/alpha.js", "export const alpha = 1;\n");
                        return FakeReply.answer(FakeReply.toolUse("toolu_write", write.path("name").asText(),
                                write.path("input").toString()));
                    }
                    called.countDown();
                    try {
                        // then it is mid-call when the run is cancelled; only the worker's own stop ends the call
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return FakeReply.error(529, "overloaded_error", "the test is over");
                });
                CliContext context = new CliContext(checkout, Map.of("PATH", System.getenv("PATH"),
                        "HOME", Files.createDirectories(tmp.resolve("home-server")).toString(), "KLEIBER_STORE", url.toString(),
                        "KLEIBER_REMOTE", bare.toString(), "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString()),
                        Clock.systemUTC());
                Cli.Result token = new Cli(context).run("token", "create", "--name", "ops", "--scope", "admin", "--json");
                assertThat(token.exitCode()).as(token.err()).isZero();
                String admin = JSON.readTree(token.out()).path("secret").asText();
                server = ServerProcess.start(context, Optional.of("127.0.0.1"), Optional.of(0), Optional.empty(),
                        new PrintWriter(new StringWriter(), true));
                worker = WorkerJvm.start(tmp, "one", url, bare, api, KEY);

                HttpResponse<String> started = post(server, "/api/v1/runs", admin, JSON.createObjectNode().put("plan", PLAN).toString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                String runId = JSON.readTree(started.body()).path("run").asText();
                assertThat(called.await(90, TimeUnit.SECONDS)).as(worker.output()).isTrue();

                HttpResponse<String> cancelled = post(server, "/api/v1/runs/" + runId + "/cancel", admin, "{}");
                assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
                assertThat(JSON.readTree(cancelled.body()).path("state").asText()).isEqualTo("cancelled");

                // the worker's lease keeper beats every third of its 5 s lease: the session stops within a few seconds
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!worker.output().contains("released " + runId + "/alpha") && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                assertThat(worker.output()).as("the call is still held: only the cancel stopped it")
                        .contains("stopped " + runId + "/alpha: its run was cancelled").contains("released " + runId + "/alpha");
                assertThat(release.getCount()).isOne();

                HttpResponse<String> again = post(server, "/api/v1/runs/" + runId + "/cancel", admin, "{}");
                assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
                assertThat(again.body()).contains("has ended (cancelled)");
                JsonNode run = JSON.readTree(get(server, "/api/v1/runs/" + runId, admin).body());
                assertThat(run.path("state").asText()).isEqualTo(Runs.CANCELLED);
                try (Store store = Store.open(url, Clock.systemUTC())) {
                    assertThat(store.tasks().states(runId)).containsEntry("alpha", TaskState.CANCELLED)
                            .containsEntry("bravo", TaskState.CANCELLED);
                    assertThat(store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases WHERE subject LIKE 'task:%'")))
                            .as("the claim is released").isZero();
                    assertThat(store.runEvents().after(runId, 0, 1000)).extracting(e -> e.kind())
                            .as("the live stream and the dashboard hear of it").contains("RunCancelled");
                    assertThat(store.events().ofRun(runId)).extracting(e -> e.kind()).contains("run.cancelled", "api.cancel");
                }
                assertThat(GitRepos.git(bare, "rev-parse", "main").strip()).as("nothing merged").isEqualTo(mainBefore);
                assertThat(GitRepos.git(bare, "for-each-ref", "--format=%(refname)", "refs/heads/").strip().lines())
                        .as("no task branch pushed").containsExactly("refs/heads/main");
                try (Stream<Path> worktrees = Files.walk(worker.cache(), 3)) {
                    List<Path> left = worktrees.filter(p -> p.getParent() != null
                            && p.getParent().getFileName().toString().equals("worktrees")).toList();
                    assertThat(left).as("the attempt's worktree is removed").isEmpty();
                }
                worker.terminate();
                assertThat(worker.exitCode()).as("the worker goes on after a cancel, and stops cleanly").isEqualTo(143);
                assertThat(worker.output()).doesNotContain(KEY);
            } finally {
                // before the fake API closes: its handler still holds alpha's call
                release.countDown();
                if (server != null) {
                    server.close();
                }
                if (worker != null) {
                    worker.kill9();
                }
            }
        }
    }

    @Test
    void aConductorFollowingARunCancelledElsewhereSaysWhoCancelledItAndResumeRefusesIt() throws Exception {
        WorkerJvm.initializedRemote(tmp);
        Path bare = tmp.resolve("remote.git");
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        Path plan = Files.writeString(tmp.resolve("plan.yaml"), PLAN);
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> FakeReply.error(400, "invalid_request_error", "the test did not expect a call"));
            Cli conductor = WorkerJvm.conductor(tmp, url, api, KEY, Clock.systemUTC());
            CompletableFuture<Cli.Result> following = CompletableFuture.supplyAsync(() -> conductor.run("run", "--plan",
                    plan.toString(), "--remote", bare.toString(), "--wait-for-workers", "1m"));
            try (Store store = Store.open(url, Clock.systemUTC())) {
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (store.runs().all().isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                String runId = store.runs().all().getFirst().id();
                // a server of the store cancels it, as POST /api/v1/runs/{run}/cancel does
                assertThat(store.tasks().cancelRun(runId, "cancelled by ops (token) through the API")).isPresent();

                Cli.Result run = following.get(30, TimeUnit.SECONDS);
                assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
                assertThat(run.out()).contains("run " + runId + " was cancelled (cancelled by ops (token) through the API): "
                        + "0 merged before it; the rest is cancelled and no worker takes it");
                assertThat(store.runs().find(runId).orElseThrow().state()).as("the follower left it cancelled")
                        .isEqualTo(Runs.CANCELLED);

                Cli.Result resumed = conductor.run("resume", "--run", runId);
                assertThat(resumed.exitCode()).isEqualTo(1);
                assertThat(resumed.out()).contains("run " + runId + " was cancelled (cancelled by ops (token) through the API): "
                        + "nothing of it runs again");
                assertThat(api.requests()).isEmpty();
            }
        }
    }

    private static HttpResponse<String> post(ServerProcess server, String path, String token, String json)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(ServerProcess server, String path, String token)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + token)
                .GET().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
