package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.conductor.TaskValidator;
import dev.kleiber.config.LogSettings;
import dev.kleiber.metrics.EventLog;
import dev.kleiber.metrics.JsonLogs;
import dev.kleiber.metrics.KleiberMetrics;
import dev.kleiber.metrics.MetricsEndpoint;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a run tells monitoring: a Prometheus endpoint when {@code --metrics-port} asks for one (the run's events,
 * validations and the store's figures at {@code http://HOST:PORT/metrics} until the command ends), and with
 * {@code logging.format: json} every event as a JSON line on stderr. Without either it adds nothing.
 */
final class RunTelemetry implements AutoCloseable {
    /** {@code --metrics-port} / {@code --metrics-host}, shared by the commands that run a plan. */
    static final class Option {
        @picocli.CommandLine.Option(names = "--metrics-port", paramLabel = "PORT",
                description = "Serve Prometheus metrics at http://HOST:PORT/metrics while this runs (0: any free port).")
        Optional<Integer> port = Optional.empty();

        @picocli.CommandLine.Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
                description = "The address --metrics-port listens on (default ${DEFAULT-VALUE}; 0.0.0.0 for every one).")
        String host = "127.0.0.1";

        RunTelemetry open(AgentRuntime runtime, CliContext context, int workers, PrintWriter out) {
            Optional<EventLog> log = Optional.empty();
            if (runtime.project.settings().logging().format() == LogSettings.Format.JSON) {
                JsonLogs.toStderr();
                log = Optional.of(new EventLog(context.env("ANTHROPIC_API_KEY").stream().toList()));
            }
            if (port.isEmpty()) {
                return new RunTelemetry(Optional.empty(), Optional.empty(), log);
            }
            int p = port.get();
            if (p < 0 || p > 65_535) {
                throw KleiberException.badInput("--metrics-port must be 0 to 65535; found " + p);
            }
            KleiberMetrics metrics = new KleiberMetrics(runtime.store, runtime.ledger,
                    runtime.ledgerSettings.opusPrice(),
                    context.clock());
            metrics.workerSlots(workers);
            try {
                MetricsEndpoint endpoint = MetricsEndpoint.start(new InetSocketAddress(host, p), metrics);
                out.println("metrics at http://" + host + ":" + endpoint.port() + "/metrics");
                return new RunTelemetry(Optional.of(metrics), Optional.of(endpoint), log);
            } catch (IOException e) {
                metrics.close();
                throw KleiberException.badInput("cannot serve metrics on " + host + ":" + p + ": " + e.getMessage());
            }
        }
    }

    private final Optional<KleiberMetrics> metrics;
    private final Optional<MetricsEndpoint> endpoint;
    private final Optional<EventLog> log;

    private RunTelemetry(Optional<KleiberMetrics> metrics, Optional<MetricsEndpoint> endpoint, Optional<EventLog> log) {
        this.metrics = metrics;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** {@code display} and, when they are on, the meters' listener and the JSON event log. */
    RunListener listener(RunListener display) {
        List<RunListener> all = new ArrayList<>(List.of(display));
        metrics.ifPresent(m -> all.add(m.listener()));
        log.ifPresent(all::add);
        return all.size() == 1 ? display : RunListener.all(all);
    }

    /** The conductor {@code builder} makes, its validations counted when metrics are served. */
    Conductor conductor(Conductor.Builder builder, AgentRuntime runtime, CliContext context) {
        metrics.ifPresent(m -> builder.validator(m.validator(
                TaskValidator.ofProject(runtime.project, context.env(), context.clock()))));
        return builder.build();
    }

    @Override
    public void close() {
        endpoint.ifPresent(MetricsEndpoint::close);
        metrics.ifPresent(KleiberMetrics::close);
    }
}
