package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.metrics.KleiberMetrics;
import dev.kleiber.metrics.MetricsEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kleiber metrics}: the store's figures (spend, tokens, budget, tasks by state, queue, live processes, main)
 * in the Prometheus text format, printed once (for node_exporter's textfile collector or a look) or served at
 * {@code /metrics} with {@code --port} until stopped.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {"Print the project's metrics in the Prometheus text format once, or serve them at "
                + "http://HOST:PORT/metrics with --port until stopped (Ctrl-C). A run's own meters come from "
                + "`kleiber run --metrics-port`."})
final class MetricsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Serve at this port instead of printing once (0: any free port).")
    Optional<Integer> port = Optional.empty();

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The address --port listens on (default ${DEFAULT-VALUE}; 0.0.0.0 for every one).")
    String host = "127.0.0.1";

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (RunSetup setup = new RunSetup(context);
             KleiberMetrics metrics = new KleiberMetrics(setup.store, setup.ledger,
                     setup.settings.opusPrice(), context.clock())) {
            if (port.isEmpty()) {
                out.print(metrics.scrape());
                out.flush();
                return;
            }
            int p = port.get();
            if (p < 0 || p > 65_535) {
                throw KleiberException.badInput("--port must be 0 to 65535; found " + p);
            }
            try (MetricsEndpoint endpoint = MetricsEndpoint.start(new InetSocketAddress(host, p), metrics)) {
                out.println("metrics at http://" + host + ":" + endpoint.port() + "/metrics (Ctrl-C stops)");
                out.flush();
                new CountDownLatch(1).await();
            } catch (IOException e) {
                throw KleiberException.badInput("cannot serve metrics on " + host + ":" + p + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
