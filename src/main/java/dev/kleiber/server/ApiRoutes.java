package dev.kleiber.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.app.LedgerDocuments;
import dev.kleiber.app.NotFoundException;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.store.StoreUrl;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The API v1's routes: each parses its input, calls the application services the CLI calls, and answers JSON. */
final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

    private final ApiServer server;
    private final ApiServer.Services services;
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final SignInCodes codes;
    private final Authenticator auth;
    private final EventFeed feed;
    private final String openApi;
    private final StartedRequests started;

    ApiRoutes(ApiServer server, ApiServer.Services services, ApiTokens tokens, Sessions sessions, SignInCodes codes,
              Authenticator auth, EventFeed feed) {
        this.server = server;
        this.services = services;
        this.tokens = tokens;
        this.sessions = sessions;
        this.codes = codes;
        this.auth = auth;
        this.feed = feed;
        this.openApi = OpenApiDocument.text();
        this.started = new StartedRequests(services.store(), services.clock(), dev.kleiber.store.LeaseHolder.local());
    }

    void register(JavalinDefaultRoutingApi r) {
        String api = ApiServer.API;
        server.publicRoute(r, HandlerType.GET, "/healthz", ctx -> ApiServer.json(ctx, 200, object().put("status", "ok")));
        server.publicRoute(r, HandlerType.GET, "/readyz", this::ready);
        server.publicRoute(r, HandlerType.GET, api + "/openapi.json",
                ctx -> ctx.contentType("application/json").result(openApi));
        services.metrics().ifPresent(scrape -> {
            io.javalin.http.Handler metrics = ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(scrape.get());
            if (services.settings().metricsAuth()) {
                server.route(r, HandlerType.GET, "/metrics", Needs.READ, metrics);
            } else {
                server.publicRoute(r, HandlerType.GET, "/metrics", metrics);
            }
        });

        server.publicRoute(r, HandlerType.POST, api + "/session", this::signIn);
        server.route(r, HandlerType.GET, api + "/session", Needs.SIGNED_IN, this::session);
        server.route(r, HandlerType.DELETE, api + "/session", Needs.SIGNED_IN, this::signOut);

        server.route(r, HandlerType.GET, api + "/runs", Needs.READ, ctx -> ApiServer.json(ctx, 200, services.documents().runs()));
        server.route(r, HandlerType.POST, api + "/runs", Needs.ADMIN, this::startRun);
        server.route(r, HandlerType.GET, api + "/runs/{run}", Needs.READ,
                ctx -> ApiServer.json(ctx, 200, services.documents().status(run(ctx))));
        server.route(r, HandlerType.POST, api + "/runs/{run}/cancel", Needs.ADMIN, this::cancelRun);
        r.before(api + "/runs/{run}/events", ctx -> {
            // before the stream opens, so that an unknown run or a bad Last-Event-ID is a problem document, not a stream
            run(ctx);
            lastEventId(ctx);
        });
        server.sseRoute(r, api + "/runs/{run}/events", client -> feed.subscribe(run(client.ctx()), lastEventId(client.ctx()), client));

        server.route(r, HandlerType.GET, api + "/tasks/{task}", Needs.READ, ctx -> {
            String task = task(ctx);
            ApiServer.json(ctx, 200, services.documents().task(taskRun(ctx, task), task));
        });
        server.route(r, HandlerType.GET, api + "/tasks/{task}/diff", Needs.READ, this::diff);
        server.route(r, HandlerType.POST, api + "/tasks/{task}/approve", Needs.APPROVE, this::approve);
        server.route(r, HandlerType.POST, api + "/tasks/{task}/reject", Needs.APPROVE, this::reject);
        server.route(r, HandlerType.POST, api + "/tasks/{task}/answer", Needs.APPROVE, this::answer);

        server.route(r, HandlerType.GET, api + "/budget", Needs.READ,
                ctx -> ApiServer.json(ctx, 200, LedgerDocuments.budget(services.ledger().status())));
        server.route(r, HandlerType.POST, api + "/budget/raise", Needs.APPROVE, ctx -> budget(ctx, "to"));
        server.route(r, HandlerType.POST, api + "/budget/approve", Needs.APPROVE, ctx -> budget(ctx, "extra"));
        server.route(r, HandlerType.GET, api + "/cost", Needs.READ, this::cost);
        // admin, as the token list: the trail names every token and its scope
        server.route(r, HandlerType.GET, api + "/audit", Needs.ADMIN, ctx -> ApiServer.json(ctx, 200, services.documents().audit()));

        server.route(r, HandlerType.GET, api + "/tokens", Needs.ADMIN, ctx -> {
            ArrayNode list = ApiServer.JSON.createArrayNode();
            tokens.list().forEach(t -> list.add(TokenJson.of(t)));
            ApiServer.json(ctx, 200, object().set("tokens", list));
        });
        server.route(r, HandlerType.POST, api + "/tokens", Needs.ADMIN, this::createToken);
        server.route(r, HandlerType.DELETE, api + "/tokens/{name}", Needs.ADMIN, ctx -> {
            String name = ctx.pathParam("name");
            tokens.revoke(name, Authenticator.caller(ctx).recorded());
            ctx.status(204);
        });
    }

    private void ready(Context ctx) {
        if (!server.accepting()) {
            throw new ApiProblem(503, "Not ready", "the server is shutting down");
        }
        try {
            long failed = services.store().database().read(tx -> tx.number(
                    "SELECT COUNT(*) FROM flyway_schema_history WHERE NOT success"));
            if (failed > 0) {
                throw new ApiProblem(503, "Not ready", "the store has " + failed + " failed migration(s)");
            }
        } catch (RuntimeException e) {
            if (e instanceof ApiProblem problem) {
                throw problem;
            }
            // anyone may ask: why the store fails (its host, its file, the driver's words) goes to the log, not to them
            LOG.warn("/readyz: the store does not answer: {}", e.getMessage());
            throw new ApiProblem(503, "Not ready", "the store does not answer (the server's log says why)");
        }
        // the kind of store only: its file path or host is nobody's business without a token
        ApiServer.json(ctx, 200, object().put("status", "ready").put("store", switch (services.store().database().url()) {
            case StoreUrl.Sqlite sqlite -> "sqlite";
            case StoreUrl.Postgresql postgresql -> "postgresql";
        }));
    }

    private void signIn(Context ctx) {
        String address = auth.clientAddress(ctx);
        auth.checkNotLockedOut(address);
        JsonBody body = JsonBody.read(ctx, ApiServer.JSON, Set.of("token", "code"));
        Optional<String> secret = body.text("token");
        Optional<String> code = body.text("code");
        if (secret.isPresent() == code.isPresent()) {
            throw ApiProblem.badRequest("send either {\"token\": \"kl_...\"} or {\"code\": \"...\"}");
        }
        Optional<ApiToken> token = secret.isPresent() ? tokens.authenticate(secret.get().strip())
                : codes.redeem(code.get().strip()).flatMap(tokens::usable);
        if (token.isEmpty()) {
            throw auth.failed(address, secret.isPresent() ? "the token is unknown, revoked or expired"
                    : "the sign-in code is unknown, used or expired");
        }
        auth.succeeded(address);
        Sessions.Opened opened = sessions.open(token.get().name());
        ctx.header("Set-Cookie", Authenticator.COOKIE + "=" + opened.id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + sessions.ttl().toSeconds() + (ctx.scheme().equals("https") ? "; Secure" : ""));
        ApiServer.json(ctx, 200, object().put("name", token.get().name()).put("scope", token.get().scope().id())
                .put("csrf", opened.csrf()));
    }

    private void session(Context ctx) {
        Caller caller = Authenticator.caller(ctx);
        String cookie = ctx.cookie(Authenticator.COOKIE);
        ObjectNode body = object().put("name", caller.name()).put("scope", caller.scope().id());
        if (caller.viaSession() && cookie != null) {
            sessions.find(cookie).ifPresent(s -> body.put("csrf", s.csrf()));
        } else {
            body.putNull("csrf");
        }
        ApiServer.json(ctx, 200, body);
    }

    private void signOut(Context ctx) {
        String cookie = ctx.cookie(Authenticator.COOKIE);
        if (cookie != null) {
            sessions.close(cookie);
        }
        ctx.header("Set-Cookie", Authenticator.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        ctx.status(204);
    }

    private void startRun(Context ctx) {
        JsonBody body = JsonBody.read(ctx, ApiServer.JSON, Set.of("request", "plan"));
        Optional<String> request = body.text("request").filter(t -> !t.isBlank());
        Optional<String> plan = body.text("plan").filter(t -> !t.isBlank());
        if (request.isPresent() == plan.isPresent()) {
            throw ApiProblem.badRequest("send either {\"request\": \"what to build\"} or {\"plan\": \"tasks: ...\"}");
        }
        Caller caller = Authenticator.caller(ctx);
        String runId = services.runs().start(request.<RunLauncher.Start>map(RunLauncher.Start.Request::new)
                .orElseGet(() -> new RunLauncher.Start.PlanText(plan.orElseThrow())), caller.recorded());
        ctx.header("Location", ApiServer.API + "/runs/" + runId);
        ApiServer.json(ctx, 202, object().put("run", runId).put("state", request.isPresent() ? "planning" : "active")
                .put("events", ApiServer.API + "/runs/" + runId + "/events"));
    }

    private void cancelRun(Context ctx) {
        String runId = checkRun(ctx.pathParam("run"));
        Caller caller = Authenticator.caller(ctx);
        if (services.store().runs().find(runId).isEmpty()) {
            // a request still being planned here is cancelled before it becomes a run
            String state = services.runs().cancel(runId, caller.recorded()).orElseThrow(() -> notARun(runId));
            ApiServer.json(ctx, 202, object().put("run", runId).put("state", state));
            return;
        }
        String state = services.runs().cancel(runId, caller.recorded()).orElseThrow(() -> new ApiProblem(409, "Conflict",
                services.store().runs().remoteOf(runId).isPresent()
                        ? "run '" + runId + "' has ended (" + services.store().runs().find(runId).map(r -> r.state())
                        .orElse("gone") + "): nothing of it is left to cancel"
                        : "run '" + runId + "' is not running in this server; a run started elsewhere stops where it runs"));
        services.store().events().append(runId, "", "api.cancel", "by " + caller.recorded());
        ApiServer.json(ctx, 202, object().put("run", runId).put("state", state));
    }

    private void diff(Context ctx) {
        String task = task(ctx);
        String runId = taskRun(ctx, task);
        ReviewDesk.Details details = services.decisions().review(runId, task);
        ApiServer.json(ctx, 200, object().put("run", runId).put("task", task).put("commit", details.pending().commit())
                .put("branch", details.pending().branch()).put("diff", details.diff())
                .put("validationReport", details.validationReport()));
    }

    private void approve(Context ctx) {
        String task = task(ctx);
        JsonBody body = JsonBody.read(ctx, ApiServer.JSON, Set.of("commit", "run"));
        String commit = body.requireText("commit").strip();
        if (!commit.matches("[0-9a-f]{40}")) {
            throw ApiProblem.badRequest("'commit' must be the full 40-hex sha of the commit you reviewed "
                    + "(GET " + ApiServer.API + "/tasks/" + task + "/diff gives it); found '" + commit + "'");
        }
        String runId = services.decisions().runFor(body.text("run").map(ApiRoutes::checkRun), task);
        Caller caller = Authenticator.caller(ctx);
        String merged = services.decisions().approve(runId, task, Optional.of(commit), caller.recorded());
        services.store().events().append(runId, task, "api.approve", "by " + caller.recorded() + " at " + commit);
        services.runs().proceed(runId, caller.recorded());
        ApiServer.json(ctx, 200, object().put("run", runId).put("task", task).put("state", "merged").put("mergeCommit", merged));
    }

    private void reject(Context ctx) {
        String task = task(ctx);
        JsonBody body = JsonBody.read(ctx, ApiServer.JSON, Set.of("feedback", "run"));
        String feedback = body.requireText("feedback");
        if (feedback.length() > 20_000) {
            throw ApiProblem.badRequest("'feedback' may be at most 20000 characters");
        }
        String runId = services.decisions().runFor(body.text("run").map(ApiRoutes::checkRun), task);
        Caller caller = Authenticator.caller(ctx);
        services.decisions().reject(runId, task, feedback, caller.recorded());
        services.store().events().append(runId, task, "api.reject", "by " + caller.recorded());
        services.runs().proceed(runId, caller.recorded());
        ApiServer.json(ctx, 200, object().put("run", runId).put("task", task).put("state", "queued"));
    }

    private void answer(Context ctx) {
        String task = task(ctx);
        JsonBody body = JsonBody.read(ctx, ApiServer.JSON, Set.of("answer", "run"));
        String answer = body.requireText("answer");
        if (answer.length() > 20_000) {
            throw ApiProblem.badRequest("'answer' may be at most 20000 characters");
        }
        String runId = body.text("run").map(ApiRoutes::checkRun).orElseGet(() -> services.decisions().runFor(Optional.empty(), task));
        Caller caller = Authenticator.caller(ctx);
        String file = services.decisions().answer(runId, task, answer, caller.recorded());
        services.store().events().append(runId, task, "api.answer", "by " + caller.recorded());
        services.runs().proceed(runId, caller.recorded());
        ApiServer.json(ctx, 200, object().put("run", runId).put("task", task).put("file", file));
    }

    private void budget(Context ctx, String field) {
        JsonBody body = JsonBody.read(ctx, ApiServer.JSON, Set.of(field, "run", "task"));
        BigDecimal amount = body.requireAmount(field);
        Optional<String> run = body.text("run").map(ApiRoutes::checkRun);
        Optional<String> task = body.text("task").map(ApiRoutes::checkTask);
        if (task.isPresent() && run.isEmpty()) {
            throw ApiProblem.badRequest("'task' needs 'run': a per-task limit belongs to a run");
        }
        run.ifPresent(id -> services.store().runs().find(id).orElseThrow(() -> new NotFoundException("no run '" + id + "' in the store")));
        Ledger.Target target = new Ledger.Target(run, task);
        Caller caller = Authenticator.caller(ctx);
        BigDecimal limit = field.equals("to") ? services.decisions().raiseBudget(target, amount, caller.recorded())
                : services.decisions().approveExtra(target, amount, caller.recorded());
        // a raise for one run lets that run go on; a raise of the day's limit, every run the budget paused
        (run.isPresent() ? List.of(run.get()) : services.store().runs().all().stream()
                .filter(r -> r.state().equals("paused")).map(r -> r.id()).toList())
                .forEach(id -> services.runs().proceed(id, caller.recorded()));
        ObjectNode out = LedgerDocuments.budget(services.ledger().status());
        out.put("newLimitUsd", limit).put("by", caller.recorded());
        ApiServer.json(ctx, 200, out);
    }

    private void cost(Context ctx) {
        Optional<LocalDate> day = Optional.ofNullable(ctx.queryParam("day")).map(text -> {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("'day' must be a date as YYYY-MM-DD, e.g. 2025-01-09; found '" + text + "'");
            }
        });
        Optional<String> run = Optional.ofNullable(ctx.queryParam("run")).map(ApiRoutes::checkRun);
        run.ifPresent(id -> services.store().runs().find(id).orElseThrow(() -> new NotFoundException("no run '" + id + "' in the store")));
        ApiServer.json(ctx, 200, LedgerDocuments.cost(services.ledger(), day, run));
    }

    private void createToken(Context ctx) {
        JsonBody body = JsonBody.read(ctx, ApiServer.JSON, Set.of("name", "scope", "expires"));
        Scope scope;
        try {
            scope = Scope.parse(body.requireText("scope"));
        } catch (dev.kleiber.KleiberException e) {
            throw ApiProblem.badRequest("'scope' must be read, approve or admin");
        }
        Optional<Duration> expires = body.text("expires").map(ApiTokens::expiry);
        ApiTokens.Created created = tokens.create(body.requireText("name"), scope, expires, Authenticator.caller(ctx).recorded());
        ObjectNode out = TokenJson.of(created.token());
        out.put("secret", created.secret());
        ApiServer.json(ctx, 201, out);
    }

    private String run(Context ctx) {
        String runId = checkRun(ctx.pathParam("run"));
        if (services.store().runs().find(runId).isEmpty()) {
            throw notARun(runId);
        }
        return runId;
    }

    /**
     * Why the store holds no run {@code runId}: a request started through the API is still being planned (409, try
     * again), never became a run (410, with why: its plan failed, it was cancelled, the server planning it stopped), or
     * the id is unknown (404). Read from the store, so every replica answers alike.
     */
    private RuntimeException notARun(String runId) {
        return switch (started.standing(runId)) {
            case StartedRequests.Standing.Unknown unknown -> new NotFoundException("no run '" + runId + "' in the store");
            case StartedRequests.Standing.NeverStarted never ->
                    new ApiProblem(410, "Never started", "run '" + runId + "' was never started: " + never.why());
            case StartedRequests.Standing.Planning planning -> new ApiProblem(409, "Still planning", "run '" + runId
                    + "' is being planned from its request (started " + planning.startedBy()
                    + "); its document and events appear once the plan is ready", Optional.of(Duration.ofSeconds(2)));
        };
    }

    private String taskRun(Context ctx, String task) {
        Optional<String> named = Optional.ofNullable(ctx.queryParam("run")).map(ApiRoutes::checkRun);
        return services.decisions().runFor(named, task);
    }

    private static String task(Context ctx) {
        return checkTask(ctx.pathParam("task"));
    }

    static String checkTask(String id) {
        if (!TaskIds.isValid(id)) {
            throw ApiProblem.badRequest("'" + printable(id) + "' is not a task id: " + TaskIds.RULE);
        }
        return id;
    }

    static String checkRun(String id) {
        if (!RUN_ID.matcher(id).matches()) {
            throw ApiProblem.badRequest("'" + printable(id) + "' is not a run id: letters, digits, '-' and '_', such as "
                    + "run-20250109-143000");
        }
        return id;
    }

    private static long lastEventId(Context ctx) {
        String text = Optional.ofNullable(ctx.header("Last-Event-ID")).orElse(ctx.queryParam("lastEventId"));
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            long id = Long.parseLong(text.strip());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("Last-Event-ID must be the id of an event this stream sent (a whole number); "
                    + "found '" + printable(text) + "'");
        }
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static ObjectNode object() {
        return ApiServer.JSON.createObjectNode();
    }

    /** The OpenAPI document, from the classpath. */
    static final class OpenApiDocument {
        private OpenApiDocument() {
        }

        static String text() {
            try (InputStream in = ApiRoutes.class.getResourceAsStream("openapi.json")) {
                if (in == null) {
                    throw new IllegalStateException("openapi.json is missing from the jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read openapi.json from the jar", e);
            }
        }
    }
}
