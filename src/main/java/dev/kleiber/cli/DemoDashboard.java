package dev.kleiber.cli;

import dev.kleiber.KleiberException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code kleiber demo --serve}: the real server over the demo repository, so a newcomer watches the run in the
 * dashboard and makes the demo's decisions there. The person signs in with a one-time link: a code the server
 * process issued for an approve-scope token made for the demo, whose secret is never printed.
 */
final class DemoDashboard implements AutoCloseable {
    static final String TOKEN_NAME = "demo";
    private static final Duration POLL = Duration.ofMillis(300);

    private final ServerProcess server;

    private DemoDashboard(ServerProcess server) {
        this.server = server;
    }

    /** Makes the demo's token and starts serving {@code demo}'s repository on loopback ({@code port} 0: any free port). */
    static DemoDashboard start(CliContext demo, int port, Optional<Path> script, PrintWriter err) {
        StringWriter secret = new StringWriter();
        StringWriter problem = new StringWriter();
        int code = Main.run(demo, new String[] {"token", "create", "--name", TOKEN_NAME, "--scope", "approve", "--expires", "1d",
                "--json"}, new PrintWriter(secret), new PrintWriter(problem));
        if (code != 0) {
            throw new KleiberException("cannot make the demo's dashboard token: " + problem.toString().strip(), code);
        }
        return new DemoDashboard(ServerProcess.start(demo, Optional.of("127.0.0.1"), Optional.of(port), script, err));
    }

    /** The dashboard's address: {@code http://127.0.0.1:PORT}. */
    String url() {
        return server.url();
    }

    /** A page of the dashboard. */
    String page(String path) {
        return server.url() + path;
    }

    /** A link that signs in once, within five minutes, and opens {@code path}. */
    String signInLink(String path) {
        return server.url() + path + "?code=" + server.server().signInCodes().issue(TOKEN_NAME);
    }

    /**
     * Waits until the person has decided in the dashboard ({@code decided} turns true), saying where once. Interrupted
     * (Ctrl-C), the demo stops.
     */
    static void awaitPerson(PrintWriter out, String what, String link, BooleanSupplier decided) {
        out.println("Waiting for you in the dashboard: " + what);
        out.println("  " + link);
        out.flush();
        Instant since = Instant.now();
        while (!decided.getAsBoolean()) {
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KleiberException.failed("the demo was stopped while it waited for a decision in the dashboard", e);
            }
        }
        out.println("Decided in the dashboard after " + Duration.between(since, Instant.now()).toSeconds() + " s.");
        out.flush();
    }

    @Override
    public void close() {
        server.close();
    }
}
