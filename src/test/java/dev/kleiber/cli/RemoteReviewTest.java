package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.conductor.RemoteReview;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.FakeApiRun;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person reviews the tasks of a run on many machines (ADR 0134): a {@code kleiber worker} JVM validates three tasks
 * that need review and leaves them awaiting it; from checkouts on other "machines" (each with its own cache), a person
 * reads the diff and the worker's validation report, approves one into the remote's main (once, however often it is
 * approved, with its records, and a worker still holding the old fence can no longer push), is refused an approval
 * after the branch moved, rejects it so the worker's next attempt comes back for review with the feedback (two
 * machines approve that one at once: it merges once), and approves the third through the API of a serve.
 */
class RemoteReviewTest {
    private static final String KEY = "sk-ant-remote-review-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FEEDBACK = "Export it as a function, not a constant";
    private static final String PLAN = """
            tasks:
              - id: alpha
                title: Alpha rates
                agent: engineer-backend
                description: Add src/services/alpha.js
                acceptance: [the file exists]
                risk: payments
              - id: bravo
                title: Bravo rates
                agent: engineer-backend
                description: Add src/services/bravo.js
                acceptance: [the file exists]
                risk: payments
              - id: charlie
                title: Charlie rates
                agent: engineer-backend
                description: Add src/services/charlie.js
                acceptance: [the file exists]
                risk: payments
            """;

    @TempDir
    Path tmp;

    @Test
    void aRemoteRunsTasksAreReviewedApprovedIntoTheRemotesMainOnceAndRejectedFromOtherMachines() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        StoreUrl url = TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp);
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        List<String> bravoFirstMessages = Collections.synchronizedList(new ArrayList<>());
        WorkerJvm worker = null;
        try (FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            api.respondWith(request -> {
                String task = FakeApiRun.taskOf(request);
                int turn = (request.json().path("messages").size() + 1) / 2;
                String first = request.json().path("messages").path(0).toString();
                if (task.equals("bravo") && turn == 1) {
                    bravoFirstMessages.add(first);
                }
                if (List.of("alpha", "bravo", "charlie").contains(task)) {
                    // the attempt after a rejection does what the reviewer asked
                    String code = first.contains(FEEDBACK) ? "export function " + task + "() { return 2; }\n"
                            : "export const " + task + " = 1;\n";
                    return turn == 1 ? FakeApiRun.reply(FakeApiRun.write("src/services/" + task + ".js", code))
                            : FakeApiRun.reply(FakeApiRun.complete("Added src/services/" + task + ".js."));
                }
                unexpected.add(request.body());
                return FakeReply.error(400, "invalid_request_error", "the test did not expect this request");
            });
            worker = WorkerJvm.start(tmp, "one", url, bare, api, KEY);
            Path planFile = Files.writeString(tmp.resolve("plan.yaml"), PLAN);
            Cli conductor = WorkerJvm.conductor(tmp, url, api, KEY, Clock.systemUTC());
            Cli.Result run = conductor.run("run", "--plan", planFile.toString(), "--remote", bare.toString());
            Matcher started = Pattern.compile("run (run-\\S+): 3 tasks").matcher(run.out());
            assertThat(started.find()).as(run.out() + run.err()).isTrue();
            String runId = started.group(1);
            assertThat(run.out()).as(run.out() + run.err() + "\n--- worker\n" + worker.output())
                    .contains("0 merged, 3 awaiting review");
            awaitRecords(url, runId, "alpha", 1);
            awaitRecords(url, runId, "bravo", 1);
            awaitRecords(url, runId, "charlie", 1);

            // --- another machine reads the review and approves alpha into the remote's main
            Cli ana = machine("ana", url);
            Path anaCheckout = tmp.resolve("ana");
            String anaHead = GitRepos.git(anaCheckout, "rev-parse", "HEAD").strip();
            assertThat(ana.run("review").out()).contains("alpha  engineer-backend  Alpha rates").contains("charlie");
            Cli.Result shown = ana.run("review", "show", "alpha");
            assertThat(shown.exitCode()).as(shown.out() + shown.err()).isZero();
            assertThat(shown.out()).contains("+export const alpha = 1;").contains(" on " + bare).contains("## Validation")
                    .doesNotContain("no validation report").contains("Result: passed").contains("planner.risk");
            String fenceRef = "refs/kleiber/fences/" + runId + "/alpha";
            String workersToken = GitRepos.git(bare, "rev-parse", fenceRef).strip();
            String alphaBranch = branchOf(bare, "alpha");
            String alphaTip = GitRepos.git(bare, "rev-parse", "refs/heads/" + alphaBranch).strip();

            Cli.Result approved = ana.run("approve", "alpha");
            assertThat(approved.exitCode()).as(approved.out() + approved.err()).isZero();
            assertThat(approved.out()).contains("alpha approved and merged into the main of " + bare);
            assertThat(GitRepos.git(bare, "show", "main:src/services/alpha.js")).contains("alpha = 1");
            assertThat(GitRepos.git(bare, "show", "main:CHANGELOG.md")).contains("(alpha)");
            assertThat(GitRepos.git(bare, "log", "-1", "--format=%(trailers:key=Kleiber-Decided-By,valueonly)", "main"))
                    .as("who approved, on the remote's main").contains("ana (from $USER)");
            assertThat(GitRepos.git(bare, "ls-tree", "-r", "--name-only", "main").lines().toList())
                    .as("the task's records came with its merge").contains("complete/engineer-backend/alpha-done.md",
                            "tasks/engineer-backend/alpha.md");
            Cli.Result again = ana.run("approve", "alpha");
            assertThat(again.exitCode()).isNotZero();
            assertThat(again.err()).contains("alpha is merged, not awaiting_review");
            assertThat(mergedOnMain(bare)).as("merged once").containsExactly("alpha");
            assertThat(GitRepos.git(anaCheckout, "rev-parse", "HEAD").strip()).as("the approver's checkout is untouched")
                    .isEqualTo(anaHead);
            assertThat(GitRepos.git(anaCheckout, "status", "--porcelain")).isBlank();

            // a worker that still thinks it holds alpha pushes as it would: fenced by its old token, git refuses it
            Path zombie = tmp.resolve("zombie");
            GitRepos.git(tmp, "clone", "-q", bare.toString(), zombie.toString());
            GitRepos.git(zombie, "checkout", "-q", "-b", "late", alphaTip);
            Files.writeString(zombie.resolve("late.txt"), "a zombie's late work\n");
            GitRepos.git(zombie, "add", "-A");
            GitRepos.git(zombie, "commit", "-q", "-m", "late");
            ProcessBuilder push = new ProcessBuilder("git", "push", "--atomic", "--force-with-lease=refs/heads/" + alphaBranch
                    + ":" + alphaTip, "--force-with-lease=" + fenceRef + ":" + workersToken, "origin",
                    "HEAD:refs/heads/" + alphaBranch, workersToken + ":" + fenceRef)
                    .directory(zombie.toFile()).redirectErrorStream(true);
            push.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            push.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
            Process late = push.start();
            String refusal = new String(late.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(late.waitFor()).as("the stale holder's push is refused: " + refusal).isNotZero();
            assertThat(refusal).contains("stale info");
            assertThat(GitRepos.git(bare, "rev-parse", "refs/heads/" + alphaBranch).strip()).isEqualTo(alphaTip);

            // --- bravo's branch moves after validation (someone pushed to it): the approval is refused
            String bravoBranch = branchOf(bare, "bravo");
            String rejectedCommit = validatedCommit(ana, "bravo");
            GitRepos.git(zombie, "fetch", "-q", "origin");
            GitRepos.git(zombie, "checkout", "-q", "-B", "moved", "origin/" + bravoBranch);
            Files.writeString(zombie.resolve("unreviewed.txt"), "nobody reviewed this\n");
            GitRepos.git(zombie, "add", "-A");
            GitRepos.git(zombie, "commit", "-q", "-m", "unreviewed");
            GitRepos.git(zombie, "push", "-q", "origin", "HEAD:refs/heads/" + bravoBranch);
            Cli.Result moved = ana.run("approve", "bravo");
            assertThat(moved.exitCode()).as(moved.out() + moved.err()).isEqualTo(1);
            assertThat(moved.err()).contains("cannot approve bravo").contains("the approval would cover work nobody reviewed");
            assertThat(mergedOnMain(bare)).containsExactly("alpha");

            // rejected: the worker's next attempt gets the feedback and comes back for review with a new commit
            Cli.Result rejected = ana.run("reject", "bravo", "--feedback", FEEDBACK);
            assertThat(rejected.exitCode()).as(rejected.out() + rejected.err()).isZero();
            Cli.Result resumed = conductor.run("resume");
            assertThat(resumed.out()).as(resumed.out() + resumed.err() + "\n--- worker\n" + worker.output())
                    .contains("1 merged, 2 awaiting review");
            assertThat(bravoFirstMessages).hasSize(2);
            assertThat(bravoFirstMessages.get(1)).contains(FEEDBACK);
            awaitRecords(url, runId, "bravo", 2);
            Cli bo = machine("bo", url);
            assertThat(bo.run("review", "show", "bravo").out()).contains("+export function bravo()");
            assertThat(validatedCommit(bo, "bravo")).as("the rejected commit never comes back").isNotEqualTo(rejectedCommit);

            // two machines approve it at once: it merges once
            List<Cli.Result> both = atOnce(() -> ana.run("approve", "bravo"), () -> bo.run("approve", "bravo"));
            assertThat(both).filteredOn(r -> r.exitCode() == 0).as(both.toString()).hasSize(1);
            assertThat(mergedOnMain(bare)).containsExactlyInAnyOrder("alpha", "bravo");
            assertThat(GitRepos.git(bare, "show", "main:src/services/bravo.js")).contains("export function bravo()");

            // --- charlie, through the API of a serve beside the workers
            approveThroughTheApi(url, bare, api, runId);
            assertThat(mergedOnMain(bare)).containsExactlyInAnyOrder("alpha", "bravo", "charlie");

            try (Store store = Store.open(url, Clock.systemUTC())) {
                assertThat(store.tasks().ofRun(runId)).allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.MERGED));
                long leases = store.database().<Long>read(tx -> tx.number("SELECT COUNT(*) FROM leases WHERE subject IS NOT NULL"));
                assertThat(leases).as("no task or merge lease left").isZero();
            }
            assertThat(unexpected).isEmpty();
            worker.terminate();
            assertThat(worker.exitCode()).isEqualTo(143);
        } finally {
            if (worker != null) {
                worker.kill9();
            }
        }
    }

    private void approveThroughTheApi(StoreUrl url, Path bare, FakeMessagesApi api, String runId) throws Exception {
        Path checkout = tmp.resolve("server");
        GitRepos.git(tmp, "clone", "-q", bare.toString(), checkout.toString());
        Map<String, String> env = new HashMap<>(environment("server", url));
        env.put("KLEIBER_REMOTE", bare.toString());
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("ANTHROPIC_BASE_URL", api.baseUrl().toString());
        CliContext context = new CliContext(checkout, env, Clock.systemUTC());
        Cli.Result token = new Cli(context).run("token", "create", "--name", "phone", "--scope", "approve", "--json");
        assertThat(token.exitCode()).as(token.err()).isZero();
        String secret = JSON.readTree(token.out()).path("secret").asText();
        try (ServerProcess server = ServerProcess.start(context, Optional.of("127.0.0.1"), Optional.of(0), Optional.empty(),
                new PrintWriter(new StringWriter()))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port() + "/api/v1/tasks/charlie";
            HttpResponse<String> diff = http.send(HttpRequest.newBuilder(URI.create(base + "/diff?run=" + runId))
                    .header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(diff.statusCode()).as(diff.body()).isEqualTo(200);
            JsonNode review = JSON.readTree(diff.body());
            assertThat(review.path("diff").asText()).contains("+export const charlie = 1;");
            assertThat(review.path("validationReport").asText()).doesNotContain("no validation report");
            HttpResponse<String> approved = http.send(HttpRequest.newBuilder(URI.create(base + "/approve"))
                    .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("run", runId)
                            .put("commit", review.path("commit").asText()).toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            assertThat(JSON.readTree(approved.body()).path("state").asText()).isEqualTo("merged");
        }
    }

    /** A person's checkout of the remote on a machine of their own (its own home and cache), on the shared store. */
    private Cli machine(String name, StoreUrl url) {
        Path checkout = tmp.resolve(name);
        GitRepos.git(tmp, "clone", "-q", tmp.resolve("remote.git").toString(), checkout.toString());
        return new Cli(new CliContext(checkout, environment(name, url), Clock.systemUTC()));
    }

    private Map<String, String> environment(String name, StoreUrl url) {
        return Map.of("PATH", System.getenv("PATH"), "HOME", tmp.resolve("home-" + name).toString(),
                "XDG_CACHE_HOME", tmp.resolve("cache-" + name).toString(), "KLEIBER_STORE", url.toString(),
                "USER", name);
    }

    @SafeVarargs
    private static List<Cli.Result> atOnce(Callable<Cli.Result>... calls) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(calls.length)) {
            List<Future<Cli.Result>> futures = new ArrayList<>();
            for (Callable<Cli.Result> call : calls) {
                futures.add(pool.submit(call));
            }
            List<Cli.Result> results = new ArrayList<>();
            for (Future<Cli.Result> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    /** Waits until the worker has sent {@code count} sets of review records for {@code task}. */
    private static void awaitRecords(StoreUrl url, String runId, String task, int count) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Store store = Store.open(url, Clock.systemUTC())) {
            while (store.events().ofTask(runId, task).stream().filter(e -> e.kind().equals(RemoteReview.EVENT)).count() < count
                    && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(store.events().ofTask(runId, task)).filteredOn(e -> e.kind().equals(RemoteReview.EVENT))
                    .as("the worker sent " + task + "'s review records").hasSize(count);
        }
    }

    /** The commit `review show` says the task was validated at. */
    private static String validatedCommit(Cli machine, String task) {
        Matcher at = Pattern.compile("; branch \\S+ at ([0-9a-f]{40})").matcher(machine.run("review", "show", task).out());
        assertThat(at.find()).isTrue();
        return at.group(1);
    }

    private static String branchOf(Path bare, String task) {
        return GitRepos.git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads/feature/").lines()
                .filter(b -> b.contains(task)).findFirst().orElseThrow();
    }

    /** The tasks merged on the remote's main, one entry per merge. */
    private static List<String> mergedOnMain(Path bare) {
        return GitRepos.git(bare, "log", "--first-parent", "--format=%(trailers:key=Kleiber-Task,valueonly)", "main")
                .lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
