package dev.kleiber.cli;

import dev.kleiber.config.ServerSettings;
import dev.kleiber.metrics.KleiberMetrics;
import dev.kleiber.server.ApiServer;
import dev.kleiber.server.StartedRequests;
import dev.kleiber.store.LeaseHolder;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code kleiber serve} runs: the project's services, the API server over them and the conductor for runs
 * started through the API. Public so that tests start the real server in-process on a free port.
 */
public final class ServerProcess implements AutoCloseable {
    /**
     * The longest a graceful stop takes: requests under way drain ({@link ApiServer#DRAIN}), then the runs started here
     * stop ({@link ServerRuns#STOP_WAIT}). deploy/ gives the server more than this before SIGKILL
     * (terminationGracePeriodSeconds, compose's stop_grace_period); a test holds the two together.
     */
    public static final Duration STOP_BUDGET = ApiServer.DRAIN.plus(ServerRuns.STOP_WAIT);

    private final RunSetup setup;
    private final ServerRuns runs;
    private final ApiServer server;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final KleiberMetrics metrics;

    private ServerProcess(RunSetup setup, ServerRuns runs, ApiServer server, String url, KleiberMetrics metrics) {
        this.metrics = metrics;
        this.setup = setup;
        this.runs = runs;
        this.server = server;
        this.url = url;
    }

    /**
     * Starts serving the repository at {@code context}'s working directory. {@code bind} and {@code port} override
     * kleiber.yaml's {@code server:}; port 0 takes a free one. {@code script} replays Messages API responses for runs
     * started through the API instead of calling the API.
     */
    public static ServerProcess start(CliContext context, Optional<String> bind, Optional<Integer> port,
                                      Optional<Path> script, PrintWriter err) {
        RunSetup setup = new RunSetup(context);
        KleiberMetrics metrics = null;
        try {
            ServerSettings configured = setup.project.settings().server();
            ServerSettings settings = new ServerSettings(bind.orElse(configured.bind()), port.orElse(configured.port()),
                    configured.publicUrl(), configured.readsPerMinute(), configured.writesPerMinute(),
                    configured.lockoutFailures(), configured.lockout(), configured.corsOrigins(), configured.metricsAuth(),
                    configured.sessionTtl(), configured.notifications(), configured.keepAlive(), configured.trustedProxies());
            // metrics (contract C): the store's figures, the events of runs started here, the API's traffic
            metrics = new KleiberMetrics(setup.store, setup.ledger,
                    setup.settings.opusPrice(), context.clock());
            // a request being planned when its server was killed never becomes a run: say so instead of "planning"
            new StartedRequests(setup.store, context.clock(), LeaseHolder.local()).abandonOrphans().forEach(id -> err.println(
                    "kleiber serve: the request of run " + id + " was being planned when its server stopped; recorded as never started"));
            ServerRuns runs = new ServerRuns(context, setup.project.layout(), setup.store, script, err, metrics.listener());
            ApiServer server = ApiServer.start(new ApiServer.Services(setup.store, setup.ledger, setup.documents(),
                    setup.decisions(), runs, settings, context.clock(), Optional.of(metrics::scrape), metrics.api()),
                    settings.port());
            String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
            return new ServerProcess(setup, runs, server, "http://" + host + ":" + server.port(), metrics);
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            setup.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /** Where it listens: {@code http://127.0.0.1:8420}. */
    public String url() {
        return url;
    }

    public ApiServer server() {
        return server;
    }

    /** Graceful: the server drains first, then runs stop (the attempts under way finish), then the store closes. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            try {
                runs.close();
            } finally {
                metrics.close();
                setup.close();
            }
        }
    }
}
