package dev.kleiber.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code kleiber serve}: the HTTP API, live events and (when packed) the dashboard, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json), live run events, /healthz and "
                + "/readyz for this repository, on loopback unless told otherwise. Runs started through the API execute "
                + "in this process. Stops gracefully on SIGTERM or Ctrl-C."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "The address to listen on (default: server.bind, 127.0.0.1).")
    Optional<String> bind = Optional.empty();

    @Option(names = "--port", paramLabel = "N", description = "The port (default: server.port, 8420; 0: any free port).")
    Optional<Integer> port = Optional.empty();

    @Mixin
    ScriptOption script = new ScriptOption();

    @Override
    public Integer call() throws InterruptedException {
        CliContext context = CliContext.of(spec);
        if (port.isPresent() && (port.get() < 0 || port.get() > 65535)) {
            throw dev.kleiber.KleiberException.badInput("--port must be from 0 to 65535; found " + port.get());
        }
        PrintWriter out = spec.commandLine().getOut();
        ServerProcess process = ServerProcess.start(context, bind, port, script.path(context),
                spec.commandLine().getErr());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.close();
            stopped.countDown();
        }, "kleiber-serve-shutdown"));
        // SIGTERM and Ctrl-C are the way to stop a server, not a failure: drain here and exit 0 (a shutdown hook
        // alone would end the process with 143)
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stopped.countDown());
        }
        out.println("kleiber serve: listening on " + process.url() + " (API " + process.url() + "/api/v1, described at "
                + process.url() + "/api/v1/openapi.json)");
        out.println("create a token with `kleiber token create --name NAME --scope read|approve|admin`; stop with Ctrl-C or SIGTERM");
        out.flush();
        stopped.await();
        process.close();
        out.println("kleiber serve: stopped");
        out.flush();
        return 0;
    }
}
