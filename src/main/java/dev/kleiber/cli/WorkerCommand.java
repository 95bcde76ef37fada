package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RemoteBlocked;
import dev.kleiber.conductor.RemoteCache;
import dev.kleiber.conductor.RemoteReview;
import dev.kleiber.conductor.RemoteWorkspace;
import dev.kleiber.conductor.WorkerProcess;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.Requirements;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.ledger.BudgetGuard;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.metrics.KleiberMetrics;
import dev.kleiber.metrics.MetricsEndpoint;
import dev.kleiber.store.Claim;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kleiber worker}: a long-running process on any machine that claims ready tasks of any run in a shared
 * store, works on them in its own cache of the shared git remote and pushes the results; see
 * {@link WorkerProcess} for the loop and {@link RemoteWorkspace} for the git side.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run tasks of any run in a shared store on this machine: claim ready tasks (round-robin by "
                + "run), fetch the repository from the git remote, run the agent, validate, push the task branch and "
                + "merge into the remote's main. Stops cleanly on SIGTERM (running tasks finish or are handed back)."})
final class WorkerCommand implements Runnable {
    private static final Duration POLL = Duration.ofMillis(500);

    @Spec
    CommandSpec spec;

    @Option(names = "--store", paramLabel = "URL",
            description = "The shared store: postgresql://user:pass@host:port/db (or sqlite:PATH on one machine); "
                    + "default $KLEIBER_STORE, which keeps the password off the command line.")
    Optional<String> storeOption = Optional.empty();

    @Option(names = "--remote", paramLabel = "URL",
            description = "The shared git remote (a path, file://, ssh:// or https:// URL) the tasks' work is pushed to; "
                    + "default $KLEIBER_REMOTE.")
    Optional<String> remoteOption = Optional.empty();

    @Option(names = "--remote-credentials", paramLabel = "FILE",
            description = "For an https remote that asks for them: a file (mode 600) with the lines username=USER and "
                    + "password=TOKEN; default $KLEIBER_REMOTE_USERNAME and $KLEIBER_REMOTE_PASSWORD. Git gets them in "
                    + "its environment only, never on a command line or in a file.")
    Optional<Path> credentialsFile = Optional.empty();

    private String store;
    private String remote;

    @Option(names = "--slots", paramLabel = "N", description = "Tasks run at once on this machine (1-64, default 1).")
    int slots = 1;

    @Option(names = "--host-slots", paramLabel = "N",
            description = "Agent sessions at once on this host across all its workers (1-256; default: no cap beyond --slots).")
    Optional<Integer> hostSlots = Optional.empty();

    @Option(names = "--tags", paramLabel = "TAG,...", split = ",",
            description = "Capabilities this machine offers (e.g. linux,node20); a task needing others is left to other workers.")
    Set<String> tags = new LinkedHashSet<>();

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where the remote's clone and the worktrees live (default: $XDG_CACHE_HOME/kleiber or ~/.cache/kleiber).")
    Optional<Path> cache = Optional.empty();

    @Option(names = "--lease-seconds", paramLabel = "S",
            description = "How long a claim lives without a heartbeat (5-3600, default 30): a dead worker's tasks move after this.")
    int leaseSeconds = 30;

    @Option(names = "--grace-seconds", paramLabel = "S",
            description = "On SIGTERM, how long running tasks may finish before they are handed back (0-3600, default 30).")
    int graceSeconds = 30;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics (and /healthz) at http://HOST:PORT/metrics while the worker runs (0: any free port).")
    Optional<Integer> metricsPort = Optional.empty();

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The address --metrics-port listens on (default ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String metricsHost = "127.0.0.1";

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        store = LedgerSettings.storeOption(context, storeOption).orElseThrow(() -> KleiberException.badInput(
                "kleiber worker needs the shared store: give --store postgresql://user:pass@host:port/db or set $KLEIBER_STORE"));
        remote = remoteOption.or(() -> context.env("KLEIBER_REMOTE")).orElseThrow(() -> KleiberException.badInput(
                "kleiber worker needs the shared git remote: give --remote URL or set $KLEIBER_REMOTE"));
        if (slots < 1 || slots > 64) {
            throw KleiberException.badInput("--slots must be 1 to 64; found " + slots);
        }
        if (hostSlots.isPresent() && (hostSlots.get() < 1 || hostSlots.get() > 256)) {
            throw KleiberException.badInput("--host-slots must be 1 to 256; found " + hostSlots.get());
        }
        if (metricsPort.isPresent() && (metricsPort.get() < 0 || metricsPort.get() > 65_535)) {
            throw KleiberException.badInput("--metrics-port must be 0 to 65535; found " + metricsPort.get());
        }
        if (leaseSeconds < 5 || leaseSeconds > 3600 || graceSeconds < 0 || graceSeconds > 3600) {
            throw KleiberException.badInput("--lease-seconds must be 5 to 3600 and --grace-seconds 0 to 3600; found "
                    + leaseSeconds + " and " + graceSeconds);
        }
        for (String tag : tags) {
            if (!Requirements.TAG.matcher(tag).matches()) {
                throw KleiberException.badInput("--tags: '" + tag + "' is not a tag (lower-case letters, digits, '.', '_', '-')");
            }
        }
        RemoteGit.requireNoSecretIn(remote);
        Optional<RemoteGit.Credentials> credentials = RemoteCredentials.read(context, credentialsFile);
        StoreUrl url = StoreUrl.parse(store, context.workingDir(), "--store");
        Path root = cache.map(p -> context.resolve(p.toString())).orElseGet(() -> defaultCache(context)).resolve(RemoteCache.folderOf(remote));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration ttl = Duration.ofSeconds(leaseSeconds);
        String holder = LeaseHolder.local().name("worker");
        // the shutdown hook waits for this: the JVM halts when the hook returns, and the process lease and the store
        // must be closed by then, or the lease stays in the store until it expires
        CountDownLatch ended = new CountDownLatch(1);
        try (CacheLock ignored = CacheLock.take(root);
             Store opened = Store.open(url, context.clock());
             LeaseKeeper process = new LeaseKeeper(opened.leases(), opened.leases().acquire(holder, ttl), ttl,
                     lost -> err.println("kleiber: " + lost.getMessage()))) {
            RemoteGit git = RemoteGit.open(remote, root.resolve("repo"), Duration.ofMinutes(10), credentials);
            int left = RemoteWorkspace.clearLeftovers(git, root.resolve("worktrees"));
            if (left > 0) {
                log(out, "removed " + left + " worktree(s) a stopped worker left in " + root);
            }
            Optional<KleiberMetrics> metrics = metricsPort.map(port -> meters(context, store, opened, git, slots));
            Optional<MetricsEndpoint> endpoint = metrics.map(m -> serveMetrics(m, out));
            WorkerProcess worker = new WorkerProcess(opened, new WorkerProcess.Identity(holder, host(),
                    ProcessHandle.current().pid(), slots, tags, remote, hostSlots.orElse(0)), ttl, POLL,
                    claim -> attempt(context, store, opened, git, root, process, ttl, claim, metrics, err), line -> log(out, line));
            Thread hook = new Thread(() -> {
                log(out, "stopping: running tasks get " + graceSeconds + " s, then are handed back");
                worker.stop(Duration.ofSeconds(graceSeconds));
                try {
                    ended.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            log(out, holder + " on " + host() + ": " + slots + " slot(s)"
                    + hostSlots.map(n -> " (" + n + " on this host, all workers together)").orElse("") + ", tags " + (tags.isEmpty() ? "none" : String.join(",", tags))
                    + ", store " + url + ", remote " + redacted(remote));
            try {
                worker.run();
            } finally {
                endpoint.ifPresent(MetricsEndpoint::close);
                metrics.ifPresent(KleiberMetrics::close);
            }
        } finally {
            ended.countDown();
        }
    }

    /** The project as the remote's default branch has it: its settings name the main branch work lands on. */
    private static ProjectLayout projectAtMain(RemoteGit git) {
        synchronized (git) {
            git.fetch();
            git.checkoutDetached(git.commitOf("refs/remotes/origin/HEAD")
                    .or(() -> git.commitOf(RemoteGit.BRANCHES + "main")).or(() -> git.commitOf(RemoteGit.BRANCHES + "master"))
                    .orElseThrow(() -> KleiberException.failed("the remote " + redacted(git.url()) + " has no main branch")));
            return new ProjectLayout(git.clone());
        }
    }

    /**
     * The worker's meters: the store's figures (budget with the project's limits as the remote's main had them when
     * the worker started) and the events of every task this process runs.
     */
    private static KleiberMetrics meters(CliContext context, String storeText, Store store, RemoteGit git, int slots) {
        ProjectLayout layout = projectAtMain(git);
        LedgerSettings settings = LedgerSettings.of(layout, ProjectConfig.load(layout).settings(), Optional.of(storeText));
        KleiberMetrics metrics = new KleiberMetrics(store,
                new Ledger(store, settings.prices(), settings.models(), settings.limits(), context.clock()),
                settings.opusPrice(), context.clock());
        metrics.workerSlots(slots);
        return metrics;
    }

    private MetricsEndpoint serveMetrics(KleiberMetrics metrics, PrintWriter out) {
        try {
            MetricsEndpoint endpoint = MetricsEndpoint.start(new InetSocketAddress(metricsHost, metricsPort.orElseThrow()), metrics);
            log(out, "metrics at http://" + metricsHost + ":" + endpoint.port() + "/metrics");
            return endpoint;
        } catch (IOException e) {
            throw KleiberException.badInput("cannot serve metrics on " + metricsHost + ":" + metricsPort.orElseThrow()
                    + ": " + e.getMessage());
        }
    }

    private static void attempt(CliContext context, String storeText, Store store, RemoteGit git, Path root,
                                LeaseKeeper process, Duration ttl, Claim claim, Optional<KleiberMetrics> metrics,
                                PrintWriter err) {
        ProjectLayout layout = projectAtMain(git);
        ProjectConfig configured = ProjectConfig.load(layout);
        LedgerSettings settings = LedgerSettings.of(layout, configured.settings(), Optional.of(storeText));
        ProjectConfig project = new ProjectConfig(layout, configured.settings().withModels(settings.models().models()),
                configured.agents());
        BudgetGuard budget = new BudgetGuard(store, settings.prices(), settings.limits(), context.clock(), process.lease(),
                settings.alerts(err));
        Ledger ledger = new Ledger(store, settings.prices(), settings.models(), settings.limits(), context.clock());
        try (AnthropicClient client = AnthropicClient.create(AnthropicSettings.fromEnv(context.env()), budget, context.clock())) {
            Conductor.Builder conductor = Conductor.builder(store, ledger, project)
                    .client(client)
                    .sessions(ClaudeCodeRunner.engine(project, store, budget, ledger, client, context))
                    .env(context.env())
                    .clock(context.clock())
                    .workspace(RemoteWorkspace.forClaim(git, root.resolve("worktrees"), store, claim, project.knownRoles(),
                            context.clock(), Duration.ofMinutes(5), project.settings().layout().mainBranch()))
                    // the claim's keeper beats as often as the claim's own lease needs
                    .leaseTtl(ttl)
                    .role("worker");
            metrics.ifPresent(m -> conductor.listener(m.listener()));
            // a blocked file is written into this cache's checkout, where nobody answers it: it goes to the conductor
            RemoteBlocked.clear(layout.root(), claim);
            conductor.build()
                    .execute(claim);
            RemoteBlocked.publish(store, layout.root(), claim, project.knownRoles());
            // and what a person reviewing it needs that is not on the pushed branch (ADR 0134)
            RemoteReview.publish(store, layout.root(), claim, project.knownRoles());
        }
    }

    private static void log(PrintWriter out, String line) {
        synchronized (out) {
            out.println(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + line);
            out.flush();
        }
    }

    /** The remote's URL without credentials, for messages. */
    static String redacted(String url) {
        return url.replaceAll("//[^/@]+@", "//***@");
    }

    private static Path defaultCache(CliContext context) {
        return cacheFolder(context).orElseThrow(() -> KleiberException.badInput(
                "neither XDG_CACHE_HOME nor HOME is set; give --cache DIR"));
    }

    /** This machine's cache of remotes: $XDG_CACHE_HOME/kleiber, else ~/.cache/kleiber (a reviewer's too). */
    static Optional<Path> cacheFolder(CliContext context) {
        return context.env("XDG_CACHE_HOME").filter(s -> !s.isBlank()).map(Path::of)
                .or(() -> context.env("HOME").map(home -> Path.of(home, ".cache")))
                .map(folder -> folder.resolve("kleiber"));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
