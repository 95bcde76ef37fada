package dev.kleiber.metrics;

import dev.kleiber.conductor.RunListener;
import dev.kleiber.conductor.TaskValidator;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.ModelPrice;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * Every meter of one Kleiber process, in Prometheus text by {@link #scrape()}. The store's figures (the ledger's
 * calls, tokens and cost; today's budget; tasks by state; the claimable queue; live processes; the latest check of
 * main) are read afresh at each scrape, so they equal {@code kleiber cost} and {@code kleiber status} whichever
 * process serves them; aggregate them across instances with {@code max}, not {@code sum}. What only this process
 * sees comes from {@link #listener()} (run events), {@link #validator} (each check),
 * {@link #api()} (the server's requests) and {@link #workerSlots}. Thread-safe.
 */
public final class KleiberMetrics implements AutoCloseable {
    /** The media type of {@link #scrape()}: the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Store store;
    private final Ledger ledger;
    private final ModelPrice opus;
    private final Clock clock;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final RunMeters runMeters;
    private final ApiMeters api;
    private final AtomicInteger slots = new AtomicInteger();
    private final Counter storeReadFailures;
    private final Set<String> ledgerKeys = new HashSet<>();
    private volatile Optional<StoreFigures> figures = Optional.empty();

    /**
     * @param store  the store whose ledger, tasks and leases are reported
     * @param ledger reads today's budget as {@code kleiber budget} does
     * @param opus   the price of the Opus tier's model, for the all-Opus comparison
     */
    public KleiberMetrics(Store store, Ledger ledger, ModelPrice opus, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.opus = opus;
        this.clock = clock;
        // two of Micrometer's processor meters break Prometheus naming (promtool check metrics): a unit abbreviated
        // in process_cpu_time_ns_total, a gauge named system_cpu_count; process_cpu_usage says what they would
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        this.runMeters = new RunMeters(registry, clock);
        this.api = new ApiMeters(registry);
        Gauge.builder("kleiber.worker.slots", slots, AtomicInteger::get)
                .description("Agents this process runs in parallel (its worker slots)").register(registry);
        this.storeReadFailures = Counter.builder("kleiber.metrics.store.read.failures")
                .description("Scrapes whose read of the store failed; the figures shown are from the read before")
                .register(registry);
        registerStoreMeters();
    }

    /** Hears a run's events: routing, attempts, durations, retries, escalations, refusals, merges, checks of main. */
    public RunListener listener() {
        return runMeters;
    }

    /** {@code validator} with each check's result counted by check name. */
    public TaskValidator validator(TaskValidator validator) {
        return new MeteredValidator(validator, registry);
    }

    /** The server's request, rate-limit and live-stream meters. */
    public ApiMeters api() {
        return api;
    }

    /** How many agents this process runs at once; 0 for a process that runs none (the server). */
    public void workerSlots(int n) {
        slots.set(n);
    }

    /** Reads the store's figures, then renders every meter in the Prometheus text format. */
    public synchronized String scrape() {
        refresh();
        return registry.scrape();
    }

    private void refresh() {
        try {
            StoreFigures read = StoreFigures.read(store, ledger, opus, clock);
            figures = Optional.of(read);
            read.ledger().forEach(this::registerLedgerGroup);
        } catch (RuntimeException e) {
            // a busy or unreachable store must not take the process's own meters down with it
            storeReadFailures.increment();
        }
    }

    private void registerStoreMeters() {
        storeGauge("kleiber.budget.limit.usd", "Today's daily budget limit in USD, raises and approvals included",
                f -> f.budget().limitUsd().doubleValue());
        storeGauge("kleiber.budget.spent.usd", "USD spent today (the ledger)", f -> f.budget().spentUsd().doubleValue());
        storeGauge("kleiber.budget.reserved.usd", "USD reserved today by calls in flight",
                f -> f.budget().reservedUsd().doubleValue());
        storeGauge("kleiber.budget.remaining.usd", "USD left today: limit minus spent minus reserved",
                f -> f.budget().remainingUsd().doubleValue());
        storeGauge("kleiber.budget.paused", "1 while a budget limit (daily, a run's or a task's) has paused work",
                f -> f.budget().paused() ? 1 : 0);
        for (TaskState state : TaskState.values()) {
            Gauge.builder("kleiber.tasks", this, m -> m.figure(f -> f.tasks().getOrDefault(state, 0L)))
                    .description("Tasks in the store by state, every run (what kleiber status shows per run)")
                    .tag("state", state.id()).register(registry);
        }
        storeGauge("kleiber.queue.depth",
                "Planned or queued tasks whose dependencies are all merged: claimable now", StoreFigures::claimable);
        storeGauge("kleiber.queue.depth.remote", "Of kleiber_queue_depth, the tasks of runs on a remote's workers: "
                + "only a `kleiber worker` takes them", StoreFigures::remoteClaimable);
        storeGauge("kleiber.processes.live", "Kleiber processes holding a live lease (runs, resumes and workers)",
                StoreFigures::liveProcesses);
        storeGauge("kleiber.workers.live", "Live `kleiber worker` processes (registered, heartbeat not expired)",
                StoreFigures::liveWorkers);
        storeGauge("kleiber.workers.slots", "Agent slots the live `kleiber worker` processes offer",
                StoreFigures::workerSlots);
        for (String result : new String[] {"passed", "failed", "error"}) {
            Gauge.builder("kleiber.main.validation.status", this, m -> m.figure(f ->
                            f.main().filter(c -> c.result().equals(result)).isPresent() ? 1 : 0))
                    .description("1 for the result of the latest check of main (passed, failed, error), else 0")
                    .tag("result", result).register(registry);
        }
        storeGauge("kleiber.main.validation.timestamp.seconds", "When main was last checked (Unix seconds)",
                f -> f.main().map(c -> c.atMs() / 1000.0).orElse(Double.NaN));
    }

    private void storeGauge(String name, String description, ToDoubleFunction<StoreFigures> value) {
        Gauge.builder(name, this, m -> m.figure(value)).description(description).register(registry);
    }

    private double figure(ToDoubleFunction<StoreFigures> value) {
        return figures.map(value::applyAsDouble).orElse(Double.NaN);
    }

    /** Counters for a model, agent and outcome the ledger shows for the first time; they read the latest figures. */
    private void registerLedgerGroup(StoreFigures.LedgerGroup group) {
        String key = group.model() + "\u0000" + group.agent() + "\u0000" + group.outcome();
        if (!ledgerKeys.add(key)) {
            return;
        }
        Tags tags = Tags.of("model", group.model(), "agent", group.agent(), "outcome", group.outcome());
        ledgerCounter("kleiber.llm.calls", "LLM calls in the ledger", tags, key, g -> g.calls());
        ledgerCounter("kleiber.llm.cost.usd", "What LLM calls cost in USD (the ledger)", tags, key, g -> g.costUsd());
        ledgerCounter("kleiber.llm.all.opus.cost.usd", "What the same tokens would have cost on the Opus tier's model",
                tags, key, g -> g.allOpusUsd());
        ledgerCounter("kleiber.llm.tokens", "Tokens of LLM calls by type", tags.and("type", "input"), key,
                g -> g.tokens().input());
        ledgerCounter("kleiber.llm.tokens", "Tokens of LLM calls by type", tags.and("type", "output"), key,
                g -> g.tokens().output());
        ledgerCounter("kleiber.llm.tokens", "Tokens of LLM calls by type", tags.and("type", "cache_read"), key,
                g -> g.tokens().cacheRead());
        ledgerCounter("kleiber.llm.tokens", "Tokens of LLM calls by type", tags.and("type", "cache_write"), key,
                g -> g.tokens().cacheWrite5m() + g.tokens().cacheWrite1h());
    }

    private void ledgerCounter(String name, String description, Tags tags, String key,
                               ToDoubleFunction<StoreFigures.LedgerGroup> value) {
        FunctionCounter.builder(name, this, m -> m.figures.flatMap(f -> f.ledger().stream()
                        .filter(g -> (g.model() + "\u0000" + g.agent() + "\u0000" + g.outcome()).equals(key)).findFirst())
                        .map(value::applyAsDouble).orElse(0.0))
                .description(description).tags(tags).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
