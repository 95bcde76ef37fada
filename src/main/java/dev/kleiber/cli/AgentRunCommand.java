package dev.kleiber.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.RoleSpec;
import dev.kleiber.agent.SessionCompaction;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.agent.TaskRun;
import dev.kleiber.agent.TaskRunner;
import dev.kleiber.agent.ToolEvent;
import dev.kleiber.config.AgentDefinition;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.ledger.Session;
import dev.kleiber.ledger.Usd;
import dev.kleiber.llm.RetryNotice;
import dev.kleiber.llm.StreamListener;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.RoutingDecision;
import dev.kleiber.routing.RoutingRequest;
import dev.kleiber.routing.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "run", description = {
        "Run the agent of one task file (tasks/{agent}/{task-id}.md): the role from the file, the model from its "
                + "Model field (raised when the routing policy forces a higher tier), in a new worktree "
                + ".kleiber/worktrees/{task-id} on feature/{task-id}-{slug}, or in --workdir.",
        "Writes the started file, then the done or blocked file; commits the agent's work with the trailers "
                + "Kleiber-Task and Kleiber-Attempt. Exit 0 when the task completed, 1 otherwise."})
final class AgentRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TASK_FILE", description = "The task file, e.g. tasks/engineer-backend/feat-001.md")
    String taskFile;

    @Option(names = "--workdir", paramLabel = "DIR", description = "Work in this git checkout instead of a new worktree.")
    String workdir;

    @Option(names = "--json", description = "Print {taskId, outcome, model, tokens, costUsd, refusals, attempt, commit (null when none), branch} as JSON.")
    boolean json;

    @Mixin
    ScriptOption script = new ScriptOption();

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        TaskFile task = readTask(layout, context.resolve(taskFile), err);

        try (AgentRuntime runtime = AgentRuntime.open(context, layout, script.path(context), err)) {
            AgentDefinition definition = runtime.project.agentOrBlueprint(task.agent()).orElseThrow(() ->
                    KleiberException.badInput(taskFile + ": no agent definition for '" + task.agent() + "' in "
                            + layout.display(layout.agentsDir())));
            RoutingDecision routing = new Router(RoutingPolicies.load(Optional.of(layout)))
                    .route(RoutingRequest.of(task.description(), task.agent()));
            Tier tier = routing.isForced() ? Tier.max(task.model(), routing.tier()) : task.model();
            if (tier != task.model()) {
                err.println("kleiber: " + task.id() + " runs on " + tier.id() + ", not " + task.model().id()
                        + ": the routing policy forces it (" + reasons(routing) + ")");
            }
            String modelId = runtime.project.settings().modelFor(tier);
            Workspace workspace = workspace(layout, task);
            int attempt = nextAttempt(workspace.git(), task.id());
            String runId = runtime.freshRunId("agent-" + context.clock().instant().atZone(java.time.ZoneOffset.UTC)
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + task.id());
            runtime.store.runs().create(runId, "kleiber agent run " + taskFile);
            if (runtime.scripted() && !json) {
                out.println(script.notice("kleiber agent run " + taskFile));
            }
            if (!json) {
                out.println(task.id() + ": " + task.agent() + " on " + tier.id() + " (" + modelId + "), attempt "
                        + attempt + ", in " + layout.display(workspace.path()));
                out.flush();
            }
            TaskRunner runner = new TaskRunner(runtime.client, runtime.limits(), runtime.sandbox(), context.env(),
                    context.clock(), runtime.project.settings().changeLimits(), runtime.project.settings().layout().mainBranch());
            TaskRun run = runner.run(new TaskRunner.Assignment(task, RoleSpec.from(definition), tier, modelId, runId,
                    attempt, layout.root(), workspace.path(), workspace.git()), progress(out, err, runtime, runId, task.id()), event -> record(runtime, runId, task, event));

            Optional<Session> session = runtime.ledger.session(runId, task.id(), attempt);
            session.ifPresent(s -> runtime.orchestrationLog.appendSessions(List.of(
                    OrchestrationLog.Row.of(s, tier, Optional.empty()))));
            BigDecimal cost = session.map(Session::costUsd).orElse(BigDecimal.ZERO);
            runtime.store.runs().setState(runId, run.outcome().id());
            if (json) {
                out.println(toJson(run, cost, workspace, runtime.scripted()).toString());
            } else {
                printForPerson(out, layout, run, cost, workspace);
            }
            return run.outcome() instanceof SessionOutcome.Completed ? 0 : KleiberException.FAILED;
        }
    }

    private record Workspace(Path path, GitRepository git, Optional<String> branch) {
    }

    private Workspace workspace(ProjectLayout layout, TaskFile task) {
        Path scratch = layout.worktreesDir().resolve("_merge");
        if (workdir != null) {
            Path dir = CliContext.of(spec).resolve(workdir);
            if (!Files.isDirectory(dir)) {
                throw KleiberException.badInput("--workdir " + workdir + ": no such folder");
            }
            GitRepository git = new GitRepository(dir, scratch);
            return new Workspace(dir, git, git.currentBranch(dir));
        }
        GitRepository repo = new GitRepository(layout.root(), scratch);
        Path path = layout.worktreesDir().resolve(task.id());
        String branch = branchOf(task);
        boolean registered = repo.worktrees().stream().anyMatch(w -> w.path().equals(path));
        if (!registered) {
            repo.addWorktree(path, branch, "HEAD");
        }
        return new Workspace(path, new GitRepository(path, scratch), Optional.of(branch));
    }

    /**
     * The branch the plan named for the task: the task file's {@code Branch:} line (Kleiber's task files carry it in
     * their Context), else one from its {@code Title:} line, else from the description's first line.
     */
    static String branchOf(TaskFile task) {
        String own = "feature/" + task.id();
        // only a branch of the blueprint's form for this task: a hand-edited file must not pick any ref it likes
        Optional<String> named = contextLine(task, "Branch").filter(b -> b.equals(own) || b.startsWith(own + "-")
                && b.equals(TaskIds.branch("feature", task.id(), b.substring(own.length() + 1))));
        return named.orElseGet(() -> TaskIds.branch("feature", task.id(),
                contextLine(task, "Title").orElseGet(() -> firstLine(task.description()))));
    }

    private static Optional<String> contextLine(TaskFile task, String label) {
        String prefix = label + ": ";
        return task.context().lines().map(String::strip).filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip()).filter(value -> !value.isEmpty()).findFirst();
    }

    /** One more than the highest Kleiber-Attempt already committed for this task on the worktree's branch. */
    private static int nextAttempt(GitRepository git, String taskId) {
        return git.commitsWithTrailer("HEAD", "Kleiber-Task", taskId).stream()
                .map(commit -> CommitMessage.trailersOf(git.message(commit)).get("Kleiber-Attempt"))
                .filter(value -> value != null && value.matches("\\d{1,6}"))
                .mapToInt(Integer::parseInt).max().orElse(0) + 1;
    }

    private static TaskFile readTask(ProjectLayout layout, Path file, PrintWriter err) {
        String shown = layout.display(file);
        if (!Files.isRegularFile(file)) {
            throw KleiberException.badInput(shown + ": no such task file");
        }
        Path relative = file.startsWith(layout.root()) ? layout.root().relativize(file) : file;
        FileLocation location = FileLocation.of(relative).filter(l -> l.kind() == Kind.TASK).orElseThrow(() ->
                KleiberException.badInput(shown + ": a task file lives at tasks/{agent}/{task-id}.md"));
        ParseResult result;
        try {
            result = ProtocolFiles.parse(file, location, new ProtocolParser(layout.knownRoles()));
        } catch (IOException e) {
            throw KleiberException.badInput(shown + ": cannot be read: " + e.getMessage());
        }
        return switch (result) {
            case ParseResult.Parsed parsed -> (TaskFile) parsed.document();
            case ParseResult.Rejected rejected -> {
                rejected.problems().forEach(p -> err.println(shown + ":" + p.line() + ": " + p.message()));
                throw KleiberException.badInput(shown + " is not a valid task file");
            }
        };
    }

    /**
     * The session as it goes; with --json only retries and compactions, on stderr, so stdout stays one JSON
     * document. A compaction is recorded in the store's events too.
     */
    private AgentSession.Listener progress(PrintWriter out, PrintWriter err, AgentRuntime runtime, String runId,
                                           String taskId) {
        PrintWriter notices = json ? err : out;
        StreamListener retries = new StreamListener() {
            @Override
            public void onRetry(RetryNotice notice) {
                notices.println("  " + notice.text());
                notices.flush();
            }
        };
        if (json) {
            return new AgentSession.Listener() {
                @Override
                public StreamListener stream() {
                    return retries;
                }

                @Override
                public void onCompacted(SessionCompaction compaction) {
                    compacted(notices, runtime, runId, taskId, compaction);
                }
            };
        }
        return new AgentSession.Listener() {
            @Override
            public void onApproach(String approach) {
                out.println("  approach: " + firstLine(approach));
                out.flush();
            }

            @Override
            public void onToolCall(String tool, com.fasterxml.jackson.databind.JsonNode input,
                                   dev.kleiber.agent.ToolResult result) {
                String target = input.path("path").asText(input.path("command").asText(""));
                out.println("  " + (result.isError() ? "refused " : "") + tool + (target.isEmpty() ? "" : " " + target)
                        + (result.isError() ? ": " + firstLine(result.text()) : ""));
                out.flush();
            }

            @Override
            public StreamListener stream() {
                return retries;
            }

            @Override
            public void onCompacted(SessionCompaction compaction) {
                compacted(notices, runtime, runId, taskId, compaction);
            }
        };
    }

    private static void compacted(PrintWriter to, AgentRuntime runtime, String runId, String taskId,
                                  SessionCompaction compaction) {
        runtime.store.events().append(runId, taskId, "session.compacted", compaction.describe());
        to.println("  " + compaction.describe());
        to.flush();
    }

    private static void record(AgentRuntime runtime, String runId, TaskFile task, ToolEvent event) {
        String detail = switch (event) {
            case ToolEvent.Refused refused -> refused.inputSummary() + ": " + refused.reason();
            case ToolEvent.Executed executed -> executed.inputSummary() + ": " + executed.outcome();
            case ToolEvent.Failed failed -> failed.inputSummary() + ": " + failed.error();
        };
        String kind = "tool." + event.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        runtime.store.events().append(runId, task.id(), kind, event.tool() + " " + detail);
    }

    private static void printForPerson(PrintWriter out, ProjectLayout layout, TaskRun run, BigDecimal cost,
                                       Workspace workspace) {
        String detail = switch (run.outcome()) {
            case SessionOutcome.Completed done -> firstLine(done.summary());
            case SessionOutcome.Blocked blocked -> blocked.type().id() + ": " + firstLine(blocked.problem());
            case SessionOutcome.Escalated escalated -> "asks for opus: " + firstLine(escalated.reason());
            case SessionOutcome.Failed failed -> failed.reason();
        };
        out.println(run.taskId() + ": " + run.outcome().id() + " — " + detail);
        if (run.outcome() instanceof SessionOutcome.Failed(var reason, SessionOutcome.EnvironmentFault environment)) {
            // not the agent's fault: no retry or stronger model helps, a person must change something
            out.println("  the task stops here; to fix: " + environment.fix());
        }
        out.println("  model      " + run.tier().id() + " (" + run.session().answeredModel().orElse(run.modelId()) + ")");
        out.println("  turns      " + run.session().turns());
        out.println("  tokens     " + run.usage().totalInput() + " in (" + run.usage().cacheRead() + " from cache) / "
                + run.usage().output() + " out");
        out.println("  cost       " + Usd.fine(cost));
        out.println("  refusals   " + run.refusals().size());
        run.refusals().forEach(r -> out.println("    - " + firstLine(r)));
        out.println("  commit     " + run.commit().map(c -> c.substring(0, 12) + workspace.branch().map(b -> " on " + b)
                .orElse("")).orElse("none (no changes)"));
        run.protocolFile().ifPresent(file -> out.println("  wrote      " + layout.display(file)));
    }

    private static ObjectNode toJson(TaskRun run, BigDecimal cost, Workspace workspace, boolean scripted) {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("taskId", run.taskId());
        json.put("outcome", run.outcome().id());
        json.put("model", run.tier().id());
        json.put("modelId", run.session().answeredModel().orElse(run.modelId()));
        ObjectNode tokens = json.putObject("tokens");
        tokens.put("input", run.usage().totalInput());
        tokens.put("output", run.usage().output());
        tokens.put("cacheRead", run.usage().cacheRead());
        tokens.put("cacheWrite", run.usage().cacheWrite5m() + run.usage().cacheWrite1h());
        json.put("costUsd", cost);
        run.refusals().forEach(json.putArray("refusals")::add);
        json.put("attempt", run.attempt());
        json.put("commit", run.commit().orElse(null));
        workspace.branch().ifPresent(b -> json.put("branch", b));
        json.put("scripted", scripted);
        return json;
    }

    private static String reasons(RoutingDecision decision) {
        return String.join("; ", decision.reasons().stream().map(r -> r.ruleId() + ": " + r.evidence()).toList());
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }
}
