package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.SessionEngine;
import dev.kleiber.agent.SessionLimits;
import dev.kleiber.claudecode.ClaudeCodeEngine;
import dev.kleiber.claudecode.ClaudeCodeRun;
import dev.kleiber.claudecode.ClaudeCodeSettings;
import dev.kleiber.claudecode.KleiberJvm;
import dev.kleiber.claudecode.RoleRunners;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.RunnerSettings;
import dev.kleiber.llm.AnthropicSettings;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The session engine of a run whose {@code runner:} puts a role on Claude Code: Claude Code for those roles, Kleiber's
 * own loop for the rest. Each Claude Code session is recorded in the run's events with the ledger's cost and Claude
 * Code's own {@code total_cost_usd} side by side.
 */
final class ClaudeCodeRunner {
    private ClaudeCodeRunner() {
    }

    static Optional<SessionEngine> engine(AgentRuntime runtime, CliContext context) {
        KleiberConfig settings = runtime.project.settings();
        RunnerSettings runners = settings.runners();
        if (!runners.usesClaudeCode()) {
            return Optional.empty();
        }
        String key = context.env(AnthropicSettings.API_KEY_VARIABLE).orElseThrow(() -> KleiberException.badInput(
                "runner: claude-code needs ANTHROPIC_API_KEY: Kleiber's metering proxy forwards Claude Code's calls with it"));
        Path claude = executable(runners.claudeCommand(), context).orElseThrow(() -> KleiberException.badInput(
                "runner: claude-code, but '" + runners.claudeCommand() + "' is not on PATH; install it with "
                        + "npm install -g @anthropic-ai/claude-code or set runner.claude_code.command"));
        ClaudeCodeSettings claudeSettings = new ClaudeCodeSettings(claude, AnthropicSettings.fromEnv(context.env()).baseUrl(),
                key, runners.claudeMaxTurns(), runners.claudeTimeout(), KleiberJvm.current(),
                CommandSandbox.Settings.of(settings));
        ClaudeCodeEngine claudeCode = new ClaudeCodeEngine(claudeSettings, runtime.budget, context.env(),
                run -> record(runtime, run));
        return Optional.of(new RoleRunners(runners, runtime.client,
                SessionLimits.of(settings.agent().maxTurns(), settings.agent().maxOutputTokens()), claudeCode));
    }

    private static void record(AgentRuntime runtime, ClaudeCodeRun run) {
        long input = run.calls().stream().mapToLong(c -> c.usage().totalInput()).sum();
        long output = run.calls().stream().mapToLong(c -> c.usage().output()).sum();
        runtime.store.events().append(run.context().runId(), run.context().taskId(), "claude-code.session",
                "attempt " + run.context().attempt() + " on " + run.routedModel() + ": " + run.calls().size()
                        + " calls metered (" + input + " input, " + output + " output tokens; the ledger bills them); "
                        + "Claude Code reported $" + run.reportedCostUsd().map(Object::toString).orElse("?")
                        + "; result " + run.resultSubtype().orElse("none") + " after " + run.turns() + " turns"
                        + (run.denials().isEmpty() ? "" : "; the guard denied: " + String.join("; ", run.denials()))
                        + (run.refusals().isEmpty() ? "" : "; the proxy refused: " + String.join("; ",
                        run.refusals().stream().map(r -> r.message()).toList())));
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
