package dev.kleiber.cli;

import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.BudgetGuard;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.llm.ScriptedClient;
import dev.kleiber.routing.Router;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Store;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the conductor's commands share: the project, its store and ledger, git, the router; for a run also
 * the budget guard under a process lease (its reservations die with the process) and the LLM client, the
 * scripted one when {@code --script} is given.
 */
final class RunSetup implements AutoCloseable {
    private static final Duration PROCESS_LEASE = Duration.ofSeconds(60);

    final CliContext context;
    final ProjectConfig project;
    final LedgerSettings settings;
    final Store store;
    final Ledger ledger;
    final GitRepository git;
    final Router router;
    private Optional<LeaseKeeper> processLease = Optional.empty();
    private Optional<LlmClient> client = Optional.empty();

    RunSetup(CliContext context) {
        this.context = context;
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        this.project = ProjectConfig.load(layout);
        this.settings = LedgerSettings.of(layout, project.settings(), Optional.empty());
        this.store = Store.open(settings.store(), context.clock());
        this.ledger = new Ledger(store, settings.prices(), settings.models(), settings.limits(), context.clock());
        this.git = new GitRepository(layout.root(), layout.worktreesDir().resolve("_merge"));
        this.router = new Router(RoutingPolicies.load(Optional.of(layout)));
    }

    Conductor conductor(Optional<Path> script, PrintWriter err, Conductor.Listener listener) {
        LeaseKeeper keeper = new LeaseKeeper(store.leases(), store.leases().acquire("kleiber-run-"
                + ProcessHandle.current().pid(), PROCESS_LEASE), PROCESS_LEASE, lost -> { });
        processLease = Optional.of(keeper);
        BudgetGuard budget = new BudgetGuard(store, settings.prices(), settings.limits(), context.clock(), keeper.lease(),
                settings.alerts(err));
        LlmClient llm = script.<LlmClient>map(s -> ScriptedClient.load(s, budget)).orElseGet(() -> AnthropicClient.create(
                AnthropicSettings.fromEnv(context.env()), budget, context.clock()));
        client = Optional.of(llm);
        return new Conductor(store, ledger, llm, git, project, router, context.env(), context.clock(), listener);
    }

    ReviewDesk reviewDesk() {
        return new ReviewDesk(store, git, project, router, context.clock());
    }

    @Override
    public void close() {
        client.ifPresent(c -> {
            if (c instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // closing an HTTP client loses nothing
                }
            }
        });
        processLease.ifPresent(LeaseKeeper::close);
        store.close();
    }
}
