package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.Glob;
import dev.kleiber.agent.PathGuard;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.SandboxProbe;
import dev.kleiber.agent.SessionEngine;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.agent.SessionReport;
import dev.kleiber.ledger.CallBudget;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.protocol.BlockType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.File;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a task's session with Claude Code: {@code claude -p} in the task's worktree, on the routed model, with a turn
 * limit and {@code --output-format stream-json}, its only way to the API the {@link MeteringProxy} and its only
 * credential the proxy's token; a generated settings file makes {@code kleiber guard} its {@code PreToolUse} hook and
 * nothing else of the user's or the repository's settings applies. The whole CLI (and so every command its Bash tool
 * runs) is confined by Kleiber's command sandbox: no network namespace but loopback, where {@link LoopbackBridge}
 * relays to the proxy through a bind-mounted unix socket ({@link ProxySocket}); the worktree read-only but the
 * role's folders; no home, no secret. The session's end is read from the stream's
 * {@code result} event and mapped onto Kleiber's sealed outcomes; what the proxy refused decides over what the CLI
 * says (an API error arrives as {@code is_error: true} inside a {@code success} result).
 */
public final class ClaudeCodeEngine implements SessionEngine {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The line that tells Kleiber the agent cannot go on; everything after it is the problem. */
    static final String BLOCKED_MARK = "KLEIBER-BLOCKED:";

    private final ClaudeCodeSettings settings;
    private final CallBudget budget;
    private final Consumer<ClaudeCodeRun> runs;
    private final Map<String, String> parentEnv;
    private final SandboxProbe probe;

    /**
     * @param parentEnv Kleiber's environment: as for commands, only {@code PATH}, {@code LANG} and {@code HOME} (for
     *                  {@code ~/} in {@code sandbox.read}) are read from it
     * @param runs      hears how each session went (the CLI's own cost beside the ledger's, the hook's denials)
     */
    public ClaudeCodeEngine(ClaudeCodeSettings settings, CallBudget budget, Map<String, String> parentEnv,
                            Consumer<ClaudeCodeRun> runs) {
        this.settings = settings;
        this.budget = budget;
        this.runs = runs;
        this.parentEnv = Map.copyOf(parentEnv);
        this.probe = new SandboxProbe(parentEnv, settings.sandbox().limits());
    }

    @Override
    public SessionReport run(AgentSession.Setup setup, Path worktree, RolePermissions permissions,
                             AgentSession.Listener listener) {
        Path session = createSessionFolder();
        // what the hook denies is recorded here, from the model's answers, never from anything the sandbox can write
        DenialRecord denials = new DenialRecord(new ToolGuard(new PathGuard(worktree, permissions)));
        try (MeteringProxy proxy = MeteringProxy.start(settings.upstream(), settings.apiKey(), budget, setup.context(),
                setup.modelId(), denials);
             ProxySocket socket = ProxySocket.open(Files.createDirectories(session.resolve("bridge")).resolve("proxy.sock"),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()))) {
            // what the session may write: its home; what it reads: its settings, the JDK, the CLI
            Path home = Files.createDirectories(session.resolve("home"));
            Path config = Files.createDirectories(session.resolve("config"));
            Path settingsFile = Files.writeString(config.resolve("settings.json"), settingsJson(worktree, permissions));
            // the user settings Claude Code reads are empty and stay so: a Bash command cannot add hooks or permissions
            Path userSettings = Files.writeString(Files.createDirectories(home.resolve(".claude")).resolve("settings.json"), "{}");
            Path claude = settings.claude().toRealPath();
            List<Path> readOnly = new ArrayList<>(settings.jvm().files());
            if (!claude.startsWith("/usr/")) {
                readOnly.add(claude.getParent());
            }
            readOnly.addAll(List.of(config, socket.path().getParent(), userSettings));
            List<String> program = settings.jvm().command(LoopbackBridge.class.getName(),
                    List.of(socket.path().toString(), "--"));
            program = concat(program, command(claude, setup, settingsFile));
            Map<String, String> env = environment(proxy, setup.modelId(), home);
            CommandSandbox sandbox = new CommandSandbox(new PathGuard(worktree, permissions), parentEnv,
                    settings.sandbox(), probe);
            StreamResult result;
            switch (sandbox.confine(program, env, readOnly, List.of(home))) {
                case CommandSandbox.Confinement.Refused refused -> {
                    return new SessionReport(new SessionOutcome.Failed("Claude Code is not started: " + refused.reason(),
                            new SessionOutcome.EnvironmentFault("make the command sandbox work here (`kleiber doctor` "
                                    + "says how)")), Optional.empty(), TokenUsage.NONE, 0, Optional.empty(), false);
                }
                case CommandSandbox.Confinement.Confined confined -> {
                    try (confined) {
                        result = runProcess(confined.command(), env, worktree, session.resolve("stderr.txt"), listener);
                    }
                }
            }
            proxy.close(); // every call settled in the ledger before the session is told
            List<MeteredCall> calls = proxy.calls();
            TokenUsage usage = calls.stream().map(MeteredCall::usage).reduce(TokenUsage.NONE, TokenUsage::plus);
            SessionOutcome outcome = outcome(result, proxy.refusals(), session);
            runs.accept(new ClaudeCodeRun(setup.context(), setup.modelId(), calls, proxy.refusals(), denials.denials(),
                    result.totalCostUsd(), result.subtype(), result.turns()));
            return new SessionReport(outcome, calls.isEmpty() ? Optional.empty()
                    : Optional.of(calls.getLast().answeredModel()), usage, result.turns(), result.approach(), false);
        } catch (IOException e) {
            throw KleiberException.failed("cannot run Claude Code: " + e.getMessage(), e);
        } finally {
            deleteTree(session);
        }
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(then);
        return List.copyOf(all);
    }

    private List<String> command(Path claude, AgentSession.Setup setup, Path settingsFile) {
        List<String> command = new ArrayList<>(List.of(claude.toString(), "-p", prompt(setup),
                "--model", setup.modelId(),
                "--max-turns", String.valueOf(settings.maxTurns()),
                "--output-format", "stream-json", "--verbose",
                "--settings", settingsFile.toString(),
                "--setting-sources", "user",
                "--strict-mcp-config",
                "--no-session-persistence",
                "--permission-mode", "acceptEdits",
                "--allowedTools", "Bash Read Write Edit MultiEdit Glob Grep LS TodoWrite",
                "--disallowedTools", "WebFetch WebSearch Task"));
        return command;
    }

    /** The role's rules, the task as its file states it, and how to say it is blocked. */
    private static String prompt(AgentSession.Setup setup) {
        return setup.systemPrompt() + "\n\n" + setup.firstMessage() + "\n\nWork only through your file and Bash tools; "
                + "Kleiber commits your changes and writes the protocol files. When you are done, end with a short "
                + "summary of what you changed. If you cannot finish without an answer from a person, end instead with "
                + "a line starting '" + BLOCKED_MARK + "' followed by what you need.";
    }

    /**
     * The session's environment over the sandbox's command environment: the proxy's token, never the key; the
     * bridge adds {@code ANTHROPIC_BASE_URL}.
     */
    private static Map<String, String> environment(MeteringProxy proxy, String model, Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("SHELL", "/bin/bash");
        env.put("ANTHROPIC_API_KEY", proxy.token());
        // every model the CLI might pick on its own (background, subagents) is the routed one
        for (String name : List.of("ANTHROPIC_MODEL", "ANTHROPIC_SMALL_FAST_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL",
                "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL", "CLAUDE_CODE_SUBAGENT_MODEL")) {
            env.put(name, model);
        }
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("CLAUDE_CODE_MAX_RETRIES", "2");
        return env;
    }

    /** The settings Claude Code loads: the guard as PreToolUse hook for every tool, network tools denied. */
    private String settingsJson(Path worktree, RolePermissions permissions) {
        List<String> guard = new ArrayList<>(settings.jvm().guard());
        guard.addAll(List.of("--worktree", worktree.toString(), "--role", permissions.role()));
        permissions.writeGlobs().stream().map(Glob::text).forEach(glob -> guard.addAll(List.of("--write", glob)));
        ObjectNode root = JSON.createObjectNode();
        ObjectNode hook = root.putObject("hooks").putArray("PreToolUse").addObject();
        hook.put("matcher", "*");
        hook.putArray("hooks").addObject().put("type", "command").put("command", hookCommand(guard)).put("timeout", 60);
        ArrayNode deny = root.putObject("permissions").putArray("deny");
        deny.add("WebFetch").add("WebSearch");
        return root.toPrettyString();
    }

    /**
     * The hook's command line for {@code sh -c}, which is how Claude Code runs it. Exit 2 blocks the call: a guard that
     * cannot answer (its JVM failed, its input was not the hook's) must not let the call through, and any other
     * non-zero exit would.
     */
    static String hookCommand(List<String> guard) {
        return shellLine(guard) + " || exit 2";
    }

    /** The words quoted for {@code sh -c}, which is how Claude Code runs a hook's command. */
    static String shellLine(List<String> words) {
        return String.join(" ", words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").toList());
    }

    /**
     * Starts and awaits the process on a platform thread of its own: bwrap's {@code --die-with-parent} fires when the
     * OS thread that started it ends, and the carrier of a virtual thread may end while the session runs.
     */
    private StreamResult runProcess(List<String> command, Map<String, String> env, Path worktree, Path stderr,
                                    AgentSession.Listener listener) throws IOException {
        AtomicReference<StreamResult> result = new AtomicReference<>();
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().name("kleiber-claude-code").start(() -> {
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(worktree.toFile())
                        .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().clear();
                builder.environment().put("PATH", Optional.ofNullable(parentEnv.get("PATH")).orElse("/usr/bin:/bin"));
                builder.environment().putAll(env);
                result.set(awaitProcess(builder.start(), listener));
            } catch (IOException e) {
                failure.set(e);
            }
        });
        try {
            worker.join();
        } catch (InterruptedException e) {
            worker.interrupt(); // the worker kills the session and returns
            joinQuietly(worker);
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private StreamResult awaitProcess(Process process, AgentSession.Listener listener) {
        StreamResult.Builder result = new StreamResult.Builder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    result.take(line, listener);
                }
            } catch (IOException e) {
                // the process went away; its exit status says the rest
            }
        });
        try {
            if (!process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                result.timedOut();
                kill(process);
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            result.interrupted();
        }
        return result.build(process.isAlive() ? -1 : process.exitValue());
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kleiber's outcome: the proxy's refusals first, then the CLI's result event, then how the process ended. */
    static SessionOutcome outcome(StreamResult result, List<ProxyRefusal> refusals, Path session) {
        for (ProxyRefusal refusal : refusals) {
            switch (refusal) {
                case ProxyRefusal.Budget budget -> {
                    return new SessionOutcome.Failed("the budget guard refused a call: " + budget.message(),
                            new SessionOutcome.BudgetStop());
                }
                case ProxyRefusal.Unpriced unpriced -> {
                    return new SessionOutcome.Failed(unpriced.message(), new SessionOutcome.EnvironmentFault(
                            "add the model's price to .kleiber/prices.yaml or route to a priced model"));
                }
                case ProxyRefusal.Model model -> {
                    return new SessionOutcome.Failed(model.message(), new SessionOutcome.AgentFault());
                }
            }
        }
        if (result.interrupted()) {
            return new SessionOutcome.Failed("the session was stopped", new SessionOutcome.AgentFault());
        }
        if (result.timedOut()) {
            return new SessionOutcome.Failed("Claude Code did not finish within its time limit",
                    new SessionOutcome.AgentFault());
        }
        if (result.subtype().isEmpty()) {
            return new SessionOutcome.Failed("Claude Code ended (exit " + result.exitCode() + ") without a result: "
                    + tail(session.resolve("stderr.txt")), new SessionOutcome.EnvironmentFault(
                    "check that `claude --version` works and that it can start in the task's worktree"));
        }
        return switch (result.subtype().get()) {
            case "error_max_turns" -> new SessionOutcome.Failed("Claude Code reached its turn limit ("
                    + result.turns() + " turns)", new SessionOutcome.AgentFault());
            case "error_max_budget_usd" -> new SessionOutcome.Failed("Claude Code reached its own budget limit",
                    new SessionOutcome.BudgetStop());
            case "success" -> result.isError()
                    // the known trap: an API error is reported as a successful result that is an error
                    ? new SessionOutcome.Failed("Claude Code ended on an API error: " + result.text(),
                    new SessionOutcome.AgentFault())
                    : finished(result.text());
            default -> new SessionOutcome.Failed("Claude Code ended with '" + result.subtype().get() + "': "
                    + result.text(), new SessionOutcome.AgentFault());
        };
    }

    private static SessionOutcome finished(String text) {
        int mark = text.indexOf(BLOCKED_MARK);
        if (mark >= 0) {
            String problem = text.substring(mark + BLOCKED_MARK.length()).strip();
            return new SessionOutcome.Blocked(BlockType.TECHNICAL, problem.isEmpty() ? "not stated" : problem,
                    List.of(text.substring(0, mark).strip()).stream().filter(s -> !s.isEmpty()).toList(),
                    problem.isEmpty() ? "not stated" : problem);
        }
        return new SessionOutcome.Completed(text.isBlank() ? "done" : text.strip(), List.of());
    }

    private static String tail(Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
            return text.isEmpty() ? "(nothing on stderr)" : text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException | UncheckedIOException e) {
            return "(stderr unreadable)";
        }
    }

    private static Path createSessionFolder() {
        try {
            return Files.createTempDirectory("kleiber-claude-");
        } catch (IOException e) {
            throw KleiberException.failed("cannot create a folder for the Claude Code session: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp folder left behind costs disk only
        }
    }

    /** What the stream-json output said: the result event, the first text (the approach), the CLI's own cost. */
    record StreamResult(Optional<String> subtype, boolean isError, String text, int turns, Optional<BigDecimal> totalCostUsd,
                        Optional<String> approach, boolean timedOut, boolean interrupted, int exitCode) {
        static final class Builder {
            private Optional<String> subtype = Optional.empty();
            private boolean isError;
            private String text = "";
            private int turns;
            private Optional<BigDecimal> cost = Optional.empty();
            private Optional<String> approach = Optional.empty();
            private boolean timedOut;
            private boolean interrupted;

            synchronized void take(String line, AgentSession.Listener listener) {
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (IOException e) {
                    return; // not an event (the CLI printed something else): nothing to read from it
                }
                switch (event.path("type").asText("")) {
                    case "assistant" -> {
                        if (approach.isEmpty()) {
                            for (JsonNode block : event.path("message").path("content")) {
                                if (block.path("type").asText().equals("text") && !block.path("text").asText().isBlank()) {
                                    approach = Optional.of(block.path("text").asText().strip());
                                    listener.onApproach(approach.get());
                                    break;
                                }
                            }
                        }
                    }
                    case "result" -> {
                        subtype = Optional.of(event.path("subtype").asText("unknown"));
                        isError = event.path("is_error").asBoolean(false);
                        text = event.path("result").asText(String.join("; ", errors(event)));
                        turns = event.path("num_turns").asInt(0);
                        cost = event.path("total_cost_usd").isNumber()
                                ? Optional.of(event.path("total_cost_usd").decimalValue()) : Optional.empty();
                    }
                    default -> {
                    }
                }
            }

            private static List<String> errors(JsonNode event) {
                List<String> errors = new ArrayList<>();
                event.path("errors").forEach(e -> errors.add(e.asText()));
                return errors;
            }

            synchronized void timedOut() {
                timedOut = true;
            }

            synchronized void interrupted() {
                interrupted = true;
            }

            synchronized StreamResult build(int exitCode) {
                return new StreamResult(subtype, isError, text, turns, cost, approach, timedOut, interrupted, exitCode);
            }
        }
    }
}
