package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.SessionEngine;
import dev.kleiber.agent.SessionLimits;
import dev.kleiber.claudecode.ClaudeCodeEngine;
import dev.kleiber.claudecode.ClaudeCodeRun;
import dev.kleiber.claudecode.ClaudeCodeSettings;
import dev.kleiber.claudecode.KleiberJvm;
import dev.kleiber.claudecode.RoleRunners;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.conductor.RunPlan;
import dev.kleiber.ledger.CallBudget;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.store.Store;
import dev.kleiber.config.RunnerSettings;
import dev.kleiber.llm.AnthropicSettings;

import dev.kleiber.claudecode.ProxyRefusal;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunEventJson;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.Ledger;

import java.io.File;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The session engine of every run and every worker ({@link RoleRunners}: the plan's or the role's {@code runner:}),
 * with Claude Code set up as it is needed. Each Claude Code session is told as a typed run event
 * ({@link RunEvent.ClaudeCodeSession}, in {@code run_events}: the API's stream and the dashboard show it) with the
 * ledger's cost and Claude Code's own {@code total_cost_usd} side by side. It is a thing to tell, not state the run
 * decides on, so it is not in the {@code events} table (ADR 0123).
 */
final class ClaudeCodeRunner {
    private ClaudeCodeRunner() {
    }

    /**
     * For {@code kleiber run}, {@code resume} and {@code serve}, on the lead's agent runtime. When kleiber.yaml puts a
     * role on Claude Code, it is set up at once, so a missing key or CLI stops before any task starts (exit 2).
     */
    static SessionEngine engine(AgentRuntime runtime, CliContext context) {
        return engine(runtime.project, runtime.store, runtime.budget, runtime.ledger, runtime.client, context, true);
    }

    /**
     * For {@code kleiber worker}, per claim: Claude Code is set up at its first session, and a worker that cannot run
     * it fails that session as an environment fault (the run stops and says why) instead of dropping the claim.
     */
    static SessionEngine engine(ProjectConfig project, Store store, CallBudget budget, Ledger ledger, LlmClient client,
                                CliContext context) {
        return engine(project, store, budget, ledger, client, context, false);
    }

    /** The one construction of every process's session engine; a plan's task naming Claude Code sets it up lazily. */
    private static SessionEngine engine(ProjectConfig project, Store store, CallBudget budget, Ledger ledger,
                                        LlmClient client, CliContext context, boolean setUpNow) {
        KleiberConfig settings = project.settings();
        RunnerSettings runners = settings.runners();
        Supplier<SessionEngine> claudeCode = new Supplier<>() {
            private SessionEngine made;

            @Override
            public synchronized SessionEngine get() {
                if (made == null) {
                    made = claudeCode(settings, store, budget, ledger, context);
                }
                return made;
            }
        };
        if (setUpNow && runners.usesClaudeCode()) {
            claudeCode.get();
        }
        SessionLimits limits = SessionLimits.of(settings.agent());
        SessionEngine kleiber = (setup, worktree, permissions, listener) -> new AgentSession(client, limits)
                .run(setup, listener);
        return new RoleRunners(runners, (runId, taskId) -> RunPlan.recorded(store, runId, project.knownRoles())
                .flatMap(plan -> plan.task(taskId)).flatMap(PlannedTask::runner), kleiber, claudeCode);
    }

    private static SessionEngine claudeCode(KleiberConfig settings, Store store, CallBudget budget, Ledger ledger,
                                            CliContext context) {
        RunnerSettings runners = settings.runners();
        String key = context.env(AnthropicSettings.API_KEY_VARIABLE).orElseThrow(() -> KleiberException.badInput(
                "runner: claude-code needs ANTHROPIC_API_KEY: Kleiber's metering proxy forwards Claude Code's calls with it"));
        Path claude = executable(runners.claudeCommand(), context).orElseThrow(() -> KleiberException.badInput(
                "runner: claude-code, but '" + runners.claudeCommand() + "' is not on PATH; install it with "
                        + "npm install -g @anthropic-ai/claude-code or set runner.claude_code.command"));
        ClaudeCodeSettings claudeSettings = new ClaudeCodeSettings(claude, AnthropicSettings.fromEnv(context.env()).baseUrl(),
                key, runners.claudeMaxTurns(), runners.claudeTimeout(), KleiberJvm.current(),
                CommandSandbox.Settings.of(settings));
        return new ClaudeCodeEngine(claudeSettings, budget, context.env(),
                run -> record(store, ledger, context.clock(), run));
    }

    /** Told once the session's proxy has closed, so the ledger holds every call it settled. */
    private static void record(Store store, Ledger ledger, Clock clock, ClaudeCodeRun run) {
        CallContext call = run.context();
        long input = run.calls().stream().mapToLong(c -> c.usage().totalInput()).sum();
        long output = run.calls().stream().mapToLong(c -> c.usage().output()).sum();
        BigDecimal billed = ledger.session(call.runId(), call.taskId(), call.attempt()).map(dev.kleiber.ledger.Session::costUsd)
                .orElse(BigDecimal.ZERO);
        RunEvent event = new RunEvent.ClaudeCodeSession(call.runId(), call.taskId(), call.attempt(), run.routedModel(),
                run.calls().size(), input, output, billed, run.reportedCostUsd(), run.resultSubtype().orElse("none"),
                run.turns(), run.denials(), run.refusals().stream().map(ProxyRefusal::message).toList());
        Instant at = clock.instant();
        store.runEvents().append(call.runId(), call.taskId(), at, RunEventJson.kind(event), RunEventJson.write(event, at));
    }

    private static Optional<Path> executable(String command, CliContext context) {
        if (command.contains("/")) {
            Path path = context.resolve(command);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (String dir : context.env("PATH").orElse("/usr/local/bin:/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir).resolve(command);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
