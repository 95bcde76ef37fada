package dev.kleiber.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.cli.ServerProcess;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.cli.Cli;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SamplePlans;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.kleiber.server.ApiFixture.get;
import static dev.kleiber.server.ApiFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real servers (blue and green, as during a blue-green switch) on one store over a real repository whose run
 * (scripted Messages API answers) left two payments tasks waiting for review: authentication and scopes, the status
 * document, approval bound to a commit, rejection, the event stream and its resumption, rate limits, the lockout,
 * sessions with CSRF, and every bad input as a problem document. Requests go to either server: what one server
 * records or counts, the other sees. Run on SQLite ({@link ApiServerTest}) and on PostgreSQL
 * ({@link ApiServerPostgresqlTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ApiServerContract {
    private ApiFixture fixture;
    private ServerProcess server;
    private ServerProcess green;
    private String reader;
    private String approver;
    private String admin;
    private String careless;
    private String busy;

    /** The store both servers share; empty: the repository's own SQLite file. */
    abstract Optional<StoreUrl> store(Path tmp);

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        fixture = ApiFixture.create(tmp, store(tmp), """
                server:
                  rate_limits: {reads_per_minute: 1000, writes_per_minute: 10}
                  lockout: {failures: 3, minutes: 1}
                  trusted_proxies: [127.0.0.4]
                """);
        server = fixture.start();
        green = fixture.start();
        reader = fixture.token("dashboard-reader", "read");
        approver = fixture.token("phone", "approve");
        admin = fixture.token("ops", "admin");
        careless = fixture.token("careless", "approve");
        busy = fixture.token("busy", "approve");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (green != null) {
            green.close();
        }
    }

    @Test
    @Order(1)
    void healthAndReadinessAnswerWithoutAToken() {
        assertThat(get(server, "/healthz", "").json().path("status").asText()).isEqualTo("ok");
        ApiFixture.Response ready = get(server, "/readyz", "");
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        // asked without a token: the kind of store, never its file path or host
        assertThat(ready.json().path("store").asText()).isIn("sqlite", "postgresql");
        assertThat(ready.body()).doesNotContain("/").doesNotContain("127.0.0.1");
    }

    @Test
    @Order(2)
    void withoutATokenEveryApiRouteIs401AndABadTokenToo() {
        ApiFixture.Response none = get(server, "/api/v1/runs", "").problem(401, "Authorization: Bearer");
        assertThat(none.header("WWW-Authenticate")).hasValue("Bearer realm=\"kleiber\"");
        post(green, "/api/v1/tasks/refund-cap/approve", "", "{}").problem(401, "Bearer");
        get(server, "/api/v1/runs/" + fixture.runId + "/events", "").problem(401, "Bearer");
    }

    @Test
    @Order(3)
    void theRunDocumentIsStatusJsonWithThePerTaskFieldsOfTheDashboard() throws Exception {
        JsonNode runs = get(server, "/api/v1/runs", reader).json();
        assertThat(runs.path("runs").get(0).path("id").asText()).isEqualTo(fixture.runId);
        assertThat(runs.path("runs").get(0).path("tasks").path("awaiting_review").asInt()).isEqualTo(2);

        JsonNode run = get(green, "/api/v1/runs/" + fixture.runId, reader).json();
        JsonNode cli = ApiFixture.JSON.readTree(fixture.cli.run("status", "--json").out());
        assertThat(run).isEqualTo(cli);
        JsonNode task = tasks(run).get("refund-cap");
        assertThat(task.path("title").asText()).isEqualTo("Refund cap");
        assertThat(task.path("agent").asText()).isEqualTo("engineer-backend");
        assertThat(task.path("tier").asText()).isEqualTo("opus");
        assertThat(task.path("state").asText()).isEqualTo("awaiting_review");
        assertThat(task.path("attempt").asInt()).isEqualTo(1);
        assertThat(task.path("forcedReview").asBoolean()).isTrue();
        assertThat(task.path("reasons").findValuesAsText("rule")).anyMatch(rule -> rule.startsWith("forced."));
        assertThat(task.path("costUsd").decimalValue()).isPositive();
        assertThat(task.path("startedAt").asText()).isNotBlank();
        assertThat(task.has("dependsOn")).isTrue();
        assertThat(run.path("budget").path("limitUsd").decimalValue()).isPositive();

        JsonNode detail = get(server, "/api/v1/tasks/refund-cap?run=" + fixture.runId, reader).json();
        assertThat(detail.path("routing").path("humanReview").asBoolean()).isTrue();
        assertThat(detail.path("protocolFiles").toString()).contains("tasks/engineer-backend/refund-cap.md");
        assertThat(detail.path("validationReport").asText()).isNotBlank();
        assertThat(get(server, "/api/v1/budget", reader).json().path("limitUsd").decimalValue()).isPositive();
        assertThat(get(server, "/api/v1/cost?run=" + fixture.runId, reader).json().path("byTask").size()).isEqualTo(2);
        assertThat(get(server, "/api/v1/runs", reader).body()).doesNotContain("ANTHROPIC").doesNotContain("secret");
    }

    @Test
    @Order(4)
    void aReadTokenCannotApproveAndApprovalMergesOnlyTheCommitThePersonSaw() {
        JsonNode diff = get(server, "/api/v1/tasks/refund-cap/diff", reader).json();
        String commit = diff.path("commit").asText();
        assertThat(diff.path("diff").asText()).contains("Math.min(paid, asked)");

        post(green, "/api/v1/tasks/refund-cap/approve", reader, "{\"commit\":\"" + commit + "\"}")
                .problem(403, "scope read; this needs approve");
        String other = "0".repeat(40);
        post(server, "/api/v1/tasks/refund-cap/approve", approver, "{\"commit\":\"" + other + "\"}")
                .problem(409, "is not the one validated for review");

        ApiFixture.Response approved = post(green, "/api/v1/tasks/refund-cap/approve", approver,
                "{\"commit\":\"" + commit + "\"}");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(GitRepos.git(fixture.repo, "show", "main:src/services/refunds.js")).contains("Math.min");
        assertThat(GitRepos.git(fixture.repo, "log", "-1", "--format=%B", "main")).contains("refund-cap");
        JsonNode task = get(server, "/api/v1/tasks/refund-cap", reader).json();
        assertThat(task.path("state").asText()).isEqualTo("merged");
        assertThat(task.path("events").toString()).contains("approved by phone (token)").contains("api.approve");
        // the run's audit trail: who approved it, as `status --json` and the dashboard show it
        JsonNode decisions = get(server, "/api/v1/runs/" + fixture.runId, reader).json().path("decisions");
        assertThat(decisions.findValuesAsText("kind")).contains("person.approved", "api.approve");
        assertThat(decisions.toString()).contains("\"task\":\"refund-cap\"").contains("by phone (token); merged as ");
    }

    @Test
    @Order(5)
    void aBranchThatMovedAfterTheReviewIs409AndRejectionSendsTheFeedback() {
        String commit = get(server, "/api/v1/tasks/card-fee/diff", reader).json().path("commit").asText();
        String branch = "refs/heads/" + TaskIds.branch("feature", "card-fee", "Card fee");
        String sneaked = GitRepos.git(fixture.repo, "commit-tree", "-p", commit, "-m", "unreviewed", commit + "^{tree}").strip();
        GitRepos.git(fixture.repo, "update-ref", branch, sneaked);

        post(green, "/api/v1/tasks/card-fee/approve", approver, "{\"commit\":\"" + commit + "\"}")
                .problem(409, "moved from " + commit.substring(0, 12));
        GitRepos.git(fixture.repo, "update-ref", branch, commit);

        ApiFixture.Response rejected = post(server, "/api/v1/tasks/card-fee/reject", approver,
                "{\"feedback\":\"Round the fee up, never down.\"}");
        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        JsonNode task = get(green, "/api/v1/tasks/card-fee", reader).json();
        assertThat(task.path("events").toString()).contains("Round the fee up, never down.")
                .contains("rejected in review by phone (token)");
        // the server's conductor runs the next attempt at once (its script replays the card fee) and it comes back
        // for review; meanwhile a task past review cannot be rejected
        post(server, "/api/v1/tasks/refund-cap/reject", approver, "{\"feedback\":\"again\"}")
                .problem(409, "refund-cap is merged, not awaiting_review");
        JsonNode again = awaitTask("card-fee", t -> t.path("state").asText().equals("awaiting_review"));
        assertThat(again.path("attempts").asInt()).isEqualTo(2);
    }

    private JsonNode awaitTask(String taskId, java.util.function.Predicate<JsonNode> until) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(server, "/api/v1/tasks/" + taskId + "?run=" + fixture.runId, reader).json();
            if (until.test(last)) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(taskId + " never got there; last: " + last);
    }

    @Test
    @Order(6)
    void theEventStreamSendsTheRunsEventsInOrderAndResumesAfterLastEventId() throws Exception {
        List<String[]> first = events(server, fixture.runId, "", reader, 6);
        List<Long> ids = first.stream().map(e -> Long.parseLong(e[0])).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(first).allSatisfy(e -> assertThat(e[1]).isNotBlank());
        JsonNode data = ApiFixture.JSON.readTree(first.get(2)[2]);
        assertThat(data.path("kind").asText()).isEqualTo(first.get(2)[1]);
        assertThat(data.path("runId").asText()).isEqualTo(fixture.runId);
        assertThat(first.stream().map(e -> e[1])).contains("TaskPlanned");

        // resumed on the other server: the ids are the store's, the same on both
        List<String[]> resumed = events(green, fixture.runId, first.get(2)[0], reader, 3);
        assertThat(resumed.stream().map(e -> e[0]).toList())
                .containsExactly(first.get(3)[0], first.get(4)[0], first.get(5)[0]);
        assertThat(resumed.get(0)[2]).isEqualTo(first.get(3)[2]);

        get(server, "/api/v1/runs/run-nope/events", reader).problem(404, "no run 'run-nope'");
        send("/api/v1/runs/" + fixture.runId + "/events", Map.of("Last-Event-ID", "abc"), reader)
                .problem(400, "Last-Event-ID must be");
    }

    @Test
    @Order(7)
    void everyBadInputIsAProblemDocument() {
        get(server, "/api/v1/runs/run-19990101-000000", reader).problem(404, "no run 'run-19990101-000000'");
        get(server, "/api/v1/tasks/no-such-task?run=" + fixture.runId, reader).problem(404, "no task 'no-such-task'");
        get(green, "/api/v1/tasks/a..b", reader).problem(400, "is not a task id");
        get(server, "/api/v1/tasks/..%2Fetc%2Fpasswd/diff", reader).problem(400, "is not a task id");
        get(server, "/api/v1/tasks/Refund_Cap", reader).problem(400, "is not a task id");
        get(green, "/api/v1/runs/run..x", reader).problem(400, "is not a run id");
        get(server, "/api/v1/cost?day=yesterday", reader).problem(400, "YYYY-MM-DD");
        get(server, "/api/v1/nothing-here", reader).problem(404, "no route GET /api/v1/nothing-here");
        post(server, "/api/v1/budget/raise", careless, "{\"to\": ").problem(400, "not valid JSON");
        post(green, "/api/v1/budget/raise", careless, "[80]").problem(400, "must be a JSON object");
        post(server, "/api/v1/budget/raise", careless, "{\"to\": \"eighty\"}").problem(400, "'to' is required: a positive number");
        post(server, "/api/v1/budget/raise", careless, "{\"to\": 80, \"by\": \"me\"}").problem(400, "unknown field 'by'");
        post(green, "/api/v1/tasks/card-fee/approve", careless, "{\"commit\": \"abc\"}").problem(400, "full 40-hex sha");
        ApiFixture.send(server, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/budget/raise"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("to=80")), careless)
                .problem(415, "application/json");
        String huge = "{\"feedback\": \"" + "x".repeat(1024 * 1024) + "\"}";
        post(server, "/api/v1/tasks/card-fee/reject", careless, huge).problem(413, "at most 1 MiB");
    }

    @Test
    @Order(8)
    void writesPastTheLimitAre429WithRetryAfterAndTheBudgetRecordsTheTokensName() {
        ApiFixture.Response raised = post(server, "/api/v1/budget/raise", busy, "{\"to\": 80}");
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);
        assertThat(raised.json().path("approvals").toString()).contains("busy (token)");
        // the token's bucket is the store's: writes to blue and green draw on the same 10 a minute
        ApiFixture.Response limited = null;
        int served = 1;
        for (int i = 0; i < 15 && limited == null; i++) {
            ApiFixture.Response r = post(i % 2 == 0 ? green : server, "/api/v1/budget/approve", busy, "{\"extra\": 1}");
            if (r.status() == 429) {
                limited = r;
            } else {
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                served++;
            }
        }
        assertThat(limited).as("no 429 within 15 writes at 10 a minute").isNotNull();
        assertThat(served).isBetween(10, 11);
        limited.problem(429, "state-changing requests a minute");
        assertThat(limited.header("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        // reads have their own bucket
        assertThat(get(server, "/api/v1/budget", busy).status()).isEqualTo(200);
    }

    @Test
    @Order(9)
    void aSessionCookieWorksForReadsAndNeedsTheCsrfTokenForChanges() throws Exception {
        ApiFixture.Response signIn = post(server, "/api/v1/session", "", "{\"token\":\"" + admin + "\"}");
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        String setCookie = signIn.header("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        String cookie = setCookie.split(";", 2)[0];
        String csrf = signIn.json().path("csrf").asText();
        assertThat(signIn.json().path("scope").asText()).isEqualTo("admin");

        // the session opened on blue is good on green
        ApiFixture.Response me = ApiFixture.send(green, HttpRequest.newBuilder(URI.create(green.url() + "/api/v1/session"))
                .header("Cookie", cookie).GET(), "");
        assertThat(me.json().path("name").asText()).isEqualTo("ops");
        assertThat(me.json().path("csrf").asText()).isEqualTo(csrf);
        HttpRequest.Builder create = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/tokens"))
                .header("Cookie", cookie).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"scope\":\"read\",\"expires\":\"1d\"}"));
        ApiFixture.send(server, create, "").problem(403, "X-CSRF-Token");
        ApiFixture.Response made = ApiFixture.send(server, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/tokens"))
                .header("Cookie", cookie).header("Content-Type", "application/json").header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"scope\":\"read\",\"expires\":\"1d\"}")), "");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String secret = made.json().path("secret").asText();
        assertThat(get(server, "/api/v1/runs", secret).status()).isEqualTo(200);
        assertThat(get(server, "/api/v1/tokens", admin).body()).contains("\"ci\"").doesNotContain(secret)
                .doesNotContain(ApiTokens.hash(secret));
        Cli.Result revoked = fixture.cli.run("token", "revoke", "ci", "--by", "ana");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("token ci revoked by ana (from --by)");
        get(server, "/api/v1/runs", secret).problem(401, "unknown, revoked or expired");
        // the audit trail: who made and revoked tokens, through the API or at a terminal alike
        try (Store store = Store.open(fixture.storeUrl(), Clock.systemUTC())) {
            assertThat(store.events().ofRun("").stream().map(e -> e.kind() + " " + e.detail()))
                    .contains("api.token.created ci (read) by ops (token, dashboard)", "api.token.revoked ci by ana (from --by)")
                    .anyMatch(e -> e.matches("api\\.token\\.created ops \\(admin\\) by .+ \\(from .+\\)"));
        }
        get(green, "/api/v1/audit", reader).problem(403, "this needs admin");
        JsonNode audit = get(green, "/api/v1/audit", admin).json().path("audit");
        assertThat(audit.get(0).path("detail").asText()).isEqualTo("ci by ana (from --by)");
        assertThat(audit.findValuesAsText("detail")).contains("ci (read) by ops (token, dashboard)");

        ApiFixture.Response out = ApiFixture.send(server, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/session"))
                .header("Cookie", cookie).DELETE(), "");
        assertThat(out.status()).isEqualTo(204);
        ApiFixture.send(server, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/session"))
                .header("Cookie", cookie).GET(), "").problem(401, "session has ended");
    }

    @Test
    @Order(10)
    void anAddressThatKeepsFailingIsLockedOutEvenWithAGoodToken() throws Exception {
        // from another loopback address, so the lockout does not reach the rest of this class's requests
        // failures on blue and green add up to one lockout, refused by both
        assertThat(ApiFixture.raw(server, "127.0.0.2", "/api/v1/runs", "kl_" + "x".repeat(43))).startsWith("HTTP/1.1 401");
        assertThat(ApiFixture.raw(green, "127.0.0.2", "/api/v1/runs", "kl_" + "x".repeat(43))).startsWith("HTTP/1.1 401");
        String locked = ApiFixture.raw(server, "127.0.0.2", "/api/v1/runs", "kl_" + "y".repeat(43));
        assertThat(locked).startsWith("HTTP/1.1 429").contains("Retry-After: ").contains("locked out");
        assertThat(ApiFixture.raw(green, "127.0.0.2", "/api/v1/runs", reader)).startsWith("HTTP/1.1 429");
        assertThat(ApiFixture.raw(server, "127.0.0.3", "/api/v1/runs", reader)).startsWith("HTTP/1.1 200");

        // behind a trusted proxy (127.0.0.4) the client it names is locked out, not the proxy and everyone behind it
        String client = "X-Forwarded-For: 198.51.100.7\r\n";
        assertThat(ApiFixture.raw(server, "127.0.0.4", "/api/v1/runs", "kl_" + "z".repeat(43), client)).startsWith("HTTP/1.1 401");
        assertThat(ApiFixture.raw(green, "127.0.0.4", "/api/v1/runs", "kl_" + "z".repeat(43), client)).startsWith("HTTP/1.1 401");
        assertThat(ApiFixture.raw(server, "127.0.0.4", "/api/v1/runs", "kl_" + "z".repeat(43), client)).startsWith("HTTP/1.1 429");
        assertThat(ApiFixture.raw(green, "127.0.0.4", "/api/v1/runs", reader, client)).startsWith("HTTP/1.1 429");
        assertThat(ApiFixture.raw(server, "127.0.0.4", "/api/v1/runs", reader, "X-Forwarded-For: 198.51.100.8\r\n"))
                .startsWith("HTTP/1.1 200");
        assertThat(ApiFixture.raw(server, "127.0.0.4", "/api/v1/runs", reader)).startsWith("HTTP/1.1 200");
        // from a peer that is not a trusted proxy the header is ignored: a client cannot pick whom its failures count against
        assertThat(ApiFixture.raw(server, "127.0.0.5", "/api/v1/runs", reader, client)).startsWith("HTTP/1.1 200");
    }

    @Test
    @Order(11)
    void anAdminStartsARunFromAPlanThatTheServersConductorRunsToMain() throws Exception {
        String plan = SamplePlans.RETURNS_NOTE;
        String body = ApiFixture.JSON.createObjectNode().put("plan", plan).toString();
        post(server, "/api/v1/runs", approver, body).problem(403, "needs admin");
        post(server, "/api/v1/runs", admin, "{\"plan\": \"tasks: 7\"}").problem(400, "plan");
        ApiFixture.Response started = post(server, "/api/v1/runs", admin, body);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String runId = started.json().path("run").asText();
        assertThat(started.header("Location")).hasValue("/api/v1/runs/" + runId);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String state = "";
        String runState = "";
        while (System.nanoTime() < deadline && !runState.equals("finished")) {
            Thread.sleep(250);
            ApiFixture.Response run = get(green, "/api/v1/runs/" + runId, reader);
            if (run.status() == 200 && run.json().path("tasks").size() == 1) {
                state = run.json().path("tasks").get(0).path("state").asText();
                runState = run.json().path("state").asText();
            }
        }
        assertThat(state).isEqualTo("merged");
        assertThat(runState).isEqualTo("finished");
        assertThat(GitRepos.git(fixture.repo, "show", "main:src/frontend/returnsNote.js")).contains("Free returns");
        post(server, "/api/v1/runs/" + runId + "/cancel", admin, "{}").problem(409, "is not running in this server");
        post(green, "/api/v1/runs/" + runId + "/cancel", admin, "{}").problem(409, "is not running in this server");
    }

    @Test
    @Order(12)
    void everyRouteIsInTheOpenApiDocumentAndEveryDocumentedRouteExists() {
        JsonNode document = get(server, "/api/v1/openapi.json", "").json();
        assertThat(document.path("openapi").asText()).startsWith("3.1");
        java.util.Set<String> documented = new java.util.TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        java.util.Set<String> served = server.server().routes().stream().map(r -> r.method() + " " + r.path())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertThat(documented).isEqualTo(served);
        assertThat(get(green, "/api/v1/openapi.json", "").json()).isEqualTo(document);
    }

    @Test
    @Order(14)
    void anEventWrittenToTheStoreByAnotherProcessReachesTheStreamsOfBothServers() throws Exception {
        String streamer = fixture.token("streamer", "read");
        try (Store store = Store.open(fixture.storeUrl(), Clock.systemUTC())) {
            long latest = store.runEvents().latestSeq(fixture.runId);
            CompletableFuture<List<String[]>> onBlue = CompletableFuture.supplyAsync(() -> firstEvent(server, latest, streamer));
            CompletableFuture<List<String[]>> onGreen = CompletableFuture.supplyAsync(() -> firstEvent(green, latest, streamer));
            Thread.sleep(500);
            store.runEvents().append(fixture.runId, "card-fee", Instant.now(), "TaskQueued",
                    "{\"kind\":\"TaskQueued\",\"runId\":\"" + fixture.runId + "\",\"taskId\":\"card-fee\",\"reason\":\"replicas\"}");
            List<String[]> a = onBlue.get(30, TimeUnit.SECONDS);
            List<String[]> b = onGreen.get(30, TimeUnit.SECONDS);
            assertThat(a.get(0)).containsExactly(b.get(0));
            assertThat(Long.parseLong(a.get(0)[0])).isGreaterThan(latest);
            assertThat(a.get(0)[1]).isEqualTo("TaskQueued");
            assertThat(a.get(0)[2]).contains("\"reason\":\"replicas\"");
        }
    }

    private List<String[]> firstEvent(ServerProcess to, long after, String token) {
        try {
            return events(to, fixture.runId, Long.toString(after), token, 1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(13)
    void withoutCorsOriginsConfiguredNoResponseCarriesCorsHeadersAndPreflightsAreRefused() {
        ApiFixture.Response read = send("/api/v1/runs", Map.of("Origin", "https://dash.example.com"), reader);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.headers().keySet()).noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"));
        ApiFixture.Response preflight = ApiFixture.send(server, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://dash.example.com")
                .header("Access-Control-Request-Method", "POST"), "");
        preflight.problem(403, "server.cors_origins");
        assertThat(preflight.headers().keySet()).noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"));
    }

    private static List<String[]> events(ServerProcess to, String runId, String lastEventId, String token, int count)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(to.url() + "/api/v1/runs/" + runId + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET();
        if (!lastEventId.isEmpty()) {
            request.header("Last-Event-ID", lastEventId);
        }
        var response = ApiFixture.HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String[]> events = new ArrayList<>();
        String id = "";
        String kind = "";
        Iterator<String> lines = response.body().iterator();
        while (events.size() < count && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                kind = line.substring(7);
            } else if (line.startsWith("data: ")) {
                events.add(new String[] {id, kind, line.substring(6)});
            }
        }
        response.body().close();
        return events;
    }

    private ApiFixture.Response send(String path, Map<String, String> headers, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
        headers.forEach(request::header);
        return ApiFixture.send(server, request, token);
    }

    private static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        run.path("tasks").forEach(t -> byId.put(t.path("id").asText(), t));
        return byId;
    }
}
