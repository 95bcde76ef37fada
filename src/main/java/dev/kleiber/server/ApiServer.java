package dev.kleiber.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.app.ConflictException;
import dev.kleiber.app.Decisions;
import dev.kleiber.app.NotFoundException;
import dev.kleiber.app.RunDocuments;
import dev.kleiber.config.ServerSettings;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.store.Store;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.JavalinDefaultRoutingApi;
import org.eclipse.jetty.server.NetworkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code kleiber serve}'s HTTP server (Javalin on Jetty): the API v1, its live event streams, {@code /healthz},
 * {@code /readyz}, {@code /metrics} when a scrape is given, and the dashboard's files when the classpath has
 * {@code /web/index.html}. Every refusal is a problem document; nothing a request does shows a stack trace.
 */
public final class ApiServer implements AutoCloseable {
    static final String API = "/api/v1";
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** How long requests under way may take to finish once a stop began: part of {@code kleiber serve}'s stop budget. */
    public static final Duration DRAIN = Duration.ofSeconds(25);
    /**
     * How long a stop waits, at least, after closing the listening socket: a request whose headers were read just
     * before may not have reached the handlers yet, and must be answered, not cut off.
     */
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final String STARTED = "kleiber.started";

    /**
     * What the server serves. {@code metrics}, when present, renders {@code /metrics} (Prometheus text);
     * {@code traffic} hears every answered request, rate-limit refusal and live stream (the metrics' API meters).
     */
    public record Services(Store store, Ledger ledger, RunDocuments documents, Decisions decisions, RunLauncher runs,
                           ServerSettings settings, Clock clock, Optional<Supplier<String>> metrics, Traffic traffic) {
    }

    /** The server's hook for request meters: routes are templates ({@code /api/v1/runs/{run}}), never paths. */
    public interface Traffic {
        Traffic NONE = new Traffic() {
            @Override
            public void request(String method, String route, int status, Duration took) {
            }

            @Override
            public void rateLimited(String route) {
            }

            @Override
            public void streamOpened() {
            }

            @Override
            public void streamClosed() {
            }
        };

        void request(String method, String route, int status, Duration took);

        void rateLimited(String route);

        void streamOpened();

        void streamClosed();
    }

    /** One route as registered: what the OpenAPI document must describe. */
    record Route(String method, String path) {
    }

    static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private final Services services;
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final SignInCodes codes;
    private final Authenticator auth;
    private final EventFeed feed;
    private final List<Route> routes = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Javalin app;
    private volatile boolean draining;

    private ApiServer(Services services, Duration keepAlive) {
        this.services = services;
        ServerSettings settings = services.settings();
        this.tokens = new ApiTokens(services.store(), services.clock());
        this.sessions = new Sessions(services.store().database(), services.clock(), settings.sessionTtl());
        this.codes = new SignInCodes(services.clock());
        this.auth = new Authenticator(tokens, sessions,
                new AuthLockout(services.store().database(), services.clock(), settings.lockoutFailures(), settings.lockout()),
                new RateLimits(services.store().database(), services.clock()), settings);
        this.feed = new EventFeed(services.store().database(), services.store().runEvents(), keepAlive);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = JsonBody.MAX_BYTES;
            config.jetty.host = settings.bind();
            if (web()) {
                config.staticFiles.add("/web", Location.CLASSPATH);
                // index.html for the dashboard's own paths (/runs/ID); an unknown API path stays a 404 problem
                String index = webIndex();
                config.spaRoot.addHandler("/", ctx -> {
                    if (ctx.path().equals(API) || ctx.path().startsWith(API + "/")) {
                        problem(ctx, ApiProblem.notFound("no route " + ctx.method() + " " + ctx.path()
                                + "; the API is described at " + API + "/openapi.json"));
                    } else {
                        ctx.html(index);
                    }
                });
            }
            JavalinDefaultRoutingApi r = config.routes;
            r.before(this::before);
            r.beforeMatched(auth::check);
            r.after(ctx -> {
                inFlight.decrementAndGet();
                Long started = ctx.attribute(STARTED);
                String route = routeOf(ctx);
                services.traffic().request(ctx.method().name(), route, ctx.statusCode(),
                        Duration.ofNanos(started == null ? 0 : System.nanoTime() - started));
                if (ctx.statusCode() == 429) {
                    services.traffic().rateLimited(route);
                }
            });
            r.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e));
            r.exception(RunLauncher.Unavailable.class, (e, ctx) -> problem(ctx, new ApiProblem(503, "Runs unavailable",
                    "this server cannot start runs: " + e.getMessage())));
            r.exception(NotFoundException.class, (e, ctx) -> problem(ctx, ApiProblem.notFound(e.getMessage())));
            r.exception(ConflictException.class, (e, ctx) -> problem(ctx, new ApiProblem(409, "Conflict", e.getMessage())));
            r.exception(KleiberException.class, (e, ctx) -> problem(ctx, e.exitCode() == KleiberException.BAD_INPUT
                    ? ApiProblem.badRequest(e.getMessage()) : new ApiProblem(409, "Cannot be done now", e.getMessage())));
            r.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                problem(ctx, new ApiProblem(500, "Internal error", "the server could not answer; its log says why"));
            });
            r.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !isProblem(ctx)) {
                    problem(ctx, ApiProblem.notFound("no route " + ctx.method() + " " + ctx.path()
                            + "; the API is described at " + API + "/openapi.json"));
                }
            });
            r.error(405, ctx -> problem(ctx, new ApiProblem(405, "Method not allowed", ctx.method() + " is not allowed on "
                    + ctx.path())));
            new ApiRoutes(this, services, tokens, sessions, codes, auth, feed).register(r);
            // CORS preflights, for every path: not an API route of its own, so not in the OpenAPI document
            r.addHttpHandler(HandlerType.OPTIONS, "/*", auth::preflight);
        });
    }

    /**
     * Starts serving on {@code port} (0: any free port); quiet event streams get a keep-alive comment every
     * {@code server.keep_alive_seconds} (15 by default).
     */
    public static ApiServer start(Services services, int port) {
        ApiServer server = new ApiServer(services, services.settings().keepAlive());
        server.app.start(services.settings().bind(), port);
        return server;
    }

    public int port() {
        return app.port();
    }

    /** Codes that open a dashboard session as a token, once (for {@code kleiber demo --serve}). */
    public SignInCodes signInCodes() {
        return codes;
    }

    /** Whether new requests are still taken (false once shutdown began): what {@code /readyz} reports. */
    boolean accepting() {
        return !draining;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Registers {@code path} with the handler and what it needs of its caller. */
    void route(JavalinDefaultRoutingApi r, HandlerType method, String path, Needs needs, io.javalin.http.Handler handler) {
        routes.add(new Route(method.name(), path));
        r.addHttpHandler(method, path, handler, needs);
    }

    void publicRoute(JavalinDefaultRoutingApi r, HandlerType method, String path, io.javalin.http.Handler handler) {
        routes.add(new Route(method.name(), path));
        r.addHttpHandler(method, path, handler);
    }

    void sseRoute(JavalinDefaultRoutingApi r, String path, java.util.function.Consumer<io.javalin.http.sse.SseClient> client) {
        routes.add(new Route("GET", path));
        r.sse(path, sse -> {
            services.traffic().streamOpened();
            sse.onClose(services.traffic()::streamClosed);
            client.accept(sse);
        }, Needs.READ);
    }

    /** The matched route's template, so a meter's label is one of the registered routes, never a client's path. */
    static String routeOf(Context ctx) {
        try {
            io.javalin.router.Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException none) {
            return "unmatched";
        }
    }

    private void before(Context ctx) {
        inFlight.incrementAndGet();
        ctx.attribute(STARTED, System.nanoTime());
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
        if (draining && !ctx.path().equals("/healthz")) {
            throw new ApiProblem(503, "Shutting down", "this server is shutting down; try again in a moment",
                    Optional.of(Duration.ofSeconds(5)));
        }
        auth.cors(ctx);
    }

    static void json(Context ctx, int status, Object document) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static void problem(Context ctx, ApiProblem problem) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.detail());
        body.put("instance", ctx.path());
        problem.retryAfter().ifPresent(wait -> ctx.header("Retry-After", Long.toString(ApiProblem.seconds(wait))));
        if (problem.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"kleiber\"");
        }
        json(ctx, problem.status(), body);
        ctx.contentType("application/problem+json");
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith("application/problem+json");
    }

    private static boolean web() {
        return ApiServer.class.getResource("/web/index.html") != null;
    }

    private static String webIndex() {
        try (java.io.InputStream in = ApiServer.class.getResourceAsStream("/web/index.html")) {
            return new String(java.util.Objects.requireNonNull(in, "/web/index.html").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read /web/index.html from the jar", e);
        }
    }

    /**
     * Graceful stop: refuses new work (503, {@code /readyz} fails), stops accepting connections, ends the event streams,
     * waits up to 25 seconds for requests under way, then stops.
     */
    @Override
    public void close() {
        draining = true;
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof NetworkConnector network) {
                network.close();
            }
        }
        feed.close();
        long settled = System.nanoTime() + SETTLE.toNanos();
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while ((inFlight.get() > 0 || System.nanoTime() < settled) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
    }
}
