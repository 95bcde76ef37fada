package dev.kleiber.cli;

import dev.kleiber.config.ServerSettings;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.server.ApiServer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code kleiber serve} runs: the project's services, the API server over them and the conductor for runs
 * started through the API. Public so that tests start the real server in-process on a free port.
 */
public final class ServerProcess implements AutoCloseable {
    private final RunSetup setup;
    private final ServerRuns runs;
    private final ApiServer server;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServerProcess(RunSetup setup, ServerRuns runs, ApiServer server, String url) {
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
        try {
            ServerSettings configured = setup.project.settings().server();
            ServerSettings settings = new ServerSettings(bind.orElse(configured.bind()), port.orElse(configured.port()),
                    configured.publicUrl(), configured.readsPerMinute(), configured.writesPerMinute(),
                    configured.lockoutFailures(), configured.lockout(), configured.corsOrigins(), configured.metricsAuth(),
                    configured.sessionTtl(), configured.notifications());
            ServerRuns runs = new ServerRuns(context, setup.project.layout(), script, err, RunListener.NONE);
            ApiServer server = ApiServer.start(new ApiServer.Services(setup.store, setup.ledger, setup.documents(),
                    setup.decisions(), runs, settings, context.clock(), Optional.empty()), settings.port());
            String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
            return new ServerProcess(setup, runs, server, "http://" + host + ":" + server.port());
        } catch (RuntimeException e) {
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
                setup.close();
            }
        }
    }
}
