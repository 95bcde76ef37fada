package dev.kleiber.cli;

import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.SessionLimits;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.BudgetGuard;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.ApiSettingsException;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.LazyClient;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.llm.ModelCatalog;
import dev.kleiber.llm.ModelOrigin;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.llm.ScriptedClient;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Store;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a command that runs agents needs, built from the project's configuration: the store, a lease
 * for this process kept alive by heartbeat, the budget guard every call passes, the ledger, and the LLM
 * client — the real API from {@code ANTHROPIC_API_KEY}, or a script replayed with no network. Closing it
 * releases the lease (so its reservations stop counting) and the store.
 */
final class AgentRuntime implements AutoCloseable {
    static final Duration LEASE_TTL = Duration.ofSeconds(60);

    final ProjectConfig project;
    final LedgerSettings ledgerSettings;
    final Store store;
    final LeaseKeeper lease;
    final BudgetGuard budget;
    final Ledger ledger;
    final LlmClient client;
    final OrchestrationLog orchestrationLog;
    /** The one repository object of this process's run: it serializes worktree changes among its threads. */
    final GitRepository git;

    private AgentRuntime(ProjectConfig project, LedgerSettings ledgerSettings, Store store, LeaseKeeper lease,
                         BudgetGuard budget, Ledger ledger, LlmClient client) {
        this.project = project;
        this.ledgerSettings = ledgerSettings;
        this.store = store;
        this.lease = lease;
        this.budget = budget;
        this.ledger = ledger;
        this.client = client;
        this.orchestrationLog = new OrchestrationLog(project.layout().orchestrationLog());
        this.git = new GitRepository(project.layout().root(), project.layout().worktreesDir().resolve("_merge"));
    }

    /** When the API's settings are read: at once, or at the first call (for work that may find nothing to do). */
    enum KeyNeeded {
        AT_OPEN, AT_FIRST_CALL
    }

    /** @param script a JSON Lines file of Messages API responses to replay instead of calling the API */
    static AgentRuntime open(CliContext context, ProjectLayout layout, Optional<Path> script, PrintWriter err) {
        return open(context, layout, script, KeyNeeded.AT_OPEN, err);
    }

    /**
     * With {@link KeyNeeded#AT_FIRST_CALL} and no usable key, {@code latest} is resolved without the API and the client
     * is made at its first call, which then fails as an environment stop ({@link ApiSettingsException}).
     */
    static AgentRuntime open(CliContext context, ProjectLayout layout, Optional<Path> script, KeyNeeded key, PrintWriter err) {
        ProjectConfig configured = ProjectConfig.load(layout);
        Optional<AnthropicSettings> api = Optional.empty();
        if (script.isEmpty()) {
            try {
                api = Optional.of(AnthropicSettings.fromEnv(context.env()));
            } catch (ApiSettingsException e) {
                if (key == KeyNeeded.AT_OPEN) {
                    throw e;
                }
            }
        }
        LedgerSettings offline = LedgerSettings.of(layout, configured.settings(), LedgerSettings.storeOption(context, Optional.empty()));
        // `latest` is asked of the API (once a day) when the API will be called; a script runs on the offline answer
        TierModels models = api.map(settings -> ModelChoices.latest(layout, context.clock()).resolve(
                new TierModels(configured.settings().models()), () -> {
                    try (ModelCatalog catalog = new ModelCatalog(settings)) {
                        return catalog.list();
                    }
                }, offline.prices())).orElse(offline.models());
        ProjectConfig project = new ProjectConfig(layout, configured.settings().withModels(models.models()),
                configured.agents());
        LedgerSettings settings = new LedgerSettings(offline.repositoryRoot(), offline.store(), offline.prices(), models,
                offline.limits());
        ModelOrigin origin = ModelChoices.origin(layout, configured.settings(), models);
        Store store = Store.open(settings.store(), context.clock());
        LeaseKeeper keeper = null;
        try {
            String holder = LeaseHolder.local().name("kleiber");
            keeper = new LeaseKeeper(store.leases(), store.leases().acquire(holder, LEASE_TTL), LEASE_TTL,
                    lost -> err.println("kleiber: " + lost.getMessage()));
            BudgetGuard budget = new BudgetGuard(store, settings.prices(), settings.limits(), context.clock(),
                    keeper.lease(), settings.alerts(err));
            Ledger ledger = new Ledger(store, settings.prices(), settings.models(), settings.limits(), context.clock());
            LlmClient client = script.isPresent() ? ScriptedClient.load(script.get(), budget)
                    : new LazyClient(() -> AnthropicClient.create(AnthropicSettings.fromEnv(context.env()), budget,
                            context.clock(), origin));
            return new AgentRuntime(project, settings, store, keeper, budget, ledger, client);
        } catch (RuntimeException e) {
            if (keeper != null) {
                keeper.close();
            }
            store.close();
            throw e;
        }
    }

    CommandSandbox.Settings sandbox() {
        return CommandSandbox.Settings.of(project.settings());
    }

    SessionLimits limits() {
        return SessionLimits.of(project.settings().agent());
    }

    /** {@code base}, or {@code base-2}, {@code base-3}… when a run of that id exists (ids have second resolution). */
    String freshRunId(String base) {
        String id = base;
        for (int n = 2; store.runs().find(id).isPresent(); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    boolean scripted() {
        return client instanceof ScriptedClient;
    }

    /**
     * Exit 2 with what to set when a call needed the API and the environment could not reach it: the tasks it
     * stopped are reported first, and `kleiber resume` continues them once it is set.
     */
    void requireApiWasReachable() {
        if (client instanceof LazyClient lazy) {
            lazy.unusable().ifPresent(e -> {
                throw e;
            });
        }
    }

    @Override
    public void close() {
        if (client instanceof LazyClient lazy) {
            lazy.close();
        }
        lease.close();
        store.close();
    }
}
