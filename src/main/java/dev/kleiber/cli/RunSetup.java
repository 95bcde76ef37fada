package dev.kleiber.cli;

import dev.kleiber.app.Decisions;
import dev.kleiber.app.RunDocuments;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.RemoteCache;
import dev.kleiber.conductor.MainValidation;
import dev.kleiber.conductor.MainWatch;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.routing.Router;
import dev.kleiber.store.Store;

import java.time.Duration;
import java.util.Optional;

/**
 * What the review and status commands share: the project, its store and ledger, git and the router. A run
 * uses {@link AgentRuntime} instead, which adds the process lease, the budget guard and the LLM client.
 */
final class RunSetup implements AutoCloseable {
    final CliContext context;
    final ProjectConfig project;
    final LedgerSettings settings;
    final Store store;
    final Ledger ledger;
    final GitRepository git;
    final Router router;

    RunSetup(CliContext context) {
        this.context = context;
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        this.project = ProjectConfig.load(layout);
        this.settings = LedgerSettings.of(layout, project.settings(), LedgerSettings.storeOption(context, Optional.empty()));
        this.store = Store.open(settings.store(), context.clock());
        this.ledger = new Ledger(store, settings.prices(), settings.models(), settings.limits(), context.clock());
        this.git = new GitRepository(layout.root(), layout.worktreesDir().resolve("_merge"));
        this.router = router(project, store);
    }

    /** The conductor for a run, on the lead's agent runtime (store, lease, budget guard, LLM client). */
    static Conductor conductor(AgentRuntime runtime, CliContext context, RunListener listener) {
        return builder(runtime, context, listener).build();
    }

    /**
     * The conductor of a run on the workers of {@code remote}: its resolution branches and session summaries go to the
     * remote's main, through this machine's clone of the remote, which reviews use too (ADR 0139).
     */
    static Conductor remoteConductor(AgentRuntime runtime, CliContext context, RunListener listener, String remote) {
        RemoteGit.requireNoSecretIn(remote);
        return builder(runtime, context, listener).followsRemote(remoteCache(context), remote).build();
    }

    /** This machine's clones of shared remotes for reviews and conductors; https credentials from the environment. */
    static RemoteCache remoteCache(CliContext context) {
        return new RemoteCache(WorkerCommand.cacheFolder(context), () -> RemoteCredentials.read(context, Optional.empty()),
                Duration.ofMinutes(5));
    }

    /** What {@link #conductor} builds, for a caller that adds to it. */
    static Conductor.Builder builder(AgentRuntime runtime, CliContext context, RunListener listener) {
        Conductor.Builder builder = Conductor.builder(runtime.store, runtime.ledger, runtime.project);
        return builder
                .sessions(ClaudeCodeRunner.engine(runtime, context))
                .client(runtime.client)
                .git(runtime.git)
                .router(router(runtime.project, runtime.store))
                .env(context.env())
                .clock(context.clock())
                // whoever started the run, the process running it tells people when work waits for them
                .listener(RunListener.all(java.util.List.of(listener, dev.kleiber.server.Notifier.of(
                        runtime.project.settings().server(), context.env(), context.clock()))));
    }

    /** The project's router, raising the classes this repository's outcomes show too hard (routing.learning). */
    private static Router router(ProjectConfig project, Store store) {
        dev.kleiber.routing.Learning learning = project.settings().routing().learning();
        return new Router(RoutingPolicies.load(Optional.of(project.layout())),
                project.settings().routing().sensitivePaths(), dev.kleiber.routing.Adaptation.from(learning.enabled()
                        ? new dev.kleiber.store.RouteOutcomes(store.database()).recent(project.layout().root().toString())
                        : java.util.List.of(), learning));
    }

    /**
     * Validates main every {@code validate.main_every} while the run works, printing a failure through the run's
     * listener and recording every check in its events. Close it when the conductor returns.
     */
    static MainWatch mainWatch(AgentRuntime runtime, CliContext context, RunListener listener, String runId) {
        MainValidation validation = new MainValidation(runtime.git, runtime.project, context.env(), context.clock());
        return MainWatch.start(validation, runtime.project.settings().validate().mainEvery(), runtime.store.events(),
                runId, listener);
    }

    ReviewDesk reviewDesk() {
        // a remote run's task is reviewed in this machine's clone of its remote, beside a worker's (ADR 0134)
        return new ReviewDesk(store, git, project, router, context.clock(), remoteCache(context));
    }

    /** The decisions a person makes, shared with the API (dev.kleiber.server). */
    Decisions decisions() {
        return new Decisions(store, ledger, reviewDesk(), project, context.clock(),
                new dev.kleiber.scribe.RunRecords(git, project.layout().root(), project.settings().layout().mainBranch()));
    }

    /** The run and task documents, shared with the API. */
    RunDocuments documents() {
        return new RunDocuments(store, ledger, project, router);
    }

    @Override
    public void close() {
        store.close();
    }
}
