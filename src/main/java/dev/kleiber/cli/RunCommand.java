package dev.kleiber.cli;

import dev.kleiber.Counted;
import dev.kleiber.KleiberException;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.MainWatch;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.conductor.RunEventText;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.conductor.RunOutcome;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.plan.InvalidPlanException;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.plan.PlanProblem;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.yaml.SafeYaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code kleiber run "REQUEST" | --plan FILE}: plans (or loads) and executes a plan end to end. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Plan a REQUEST (the conductor drafts on Opus, the architect reviews) or load --plan FILE; then "
                + "run the plan: route its tasks, run agents in parallel in their own worktrees, validate, stop "
                + "forced-review tasks for a person, merge the rest into main and document it. Shows a live board in a "
                + "terminal, one line per event in a pipe or CI, and at the end what waits for whom. Exit 0 unless a task failed."})
final class RunCommand implements Callable<Integer> {
    static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("'run-'yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "REQUEST", description = "The feature request to plan and run.")
    String request;

    @Option(names = "--plan", paramLabel = "FILE", description = "A plan (YAML with a 'tasks:' list) instead of a REQUEST.")
    String plan;

    @Mixin
    RunOptions options = new RunOptions();

    @Option(names = "--remote", paramLabel = "URL",
            description = "Run on the `kleiber worker` processes of the shared store instead of here: the tasks are "
                    + "enqueued for the workers of this git remote (the URL they were given), which push and merge into "
                    + "its main; this command follows the run and reports as a run here does.")
    Optional<String> remote = Optional.empty();

    @Option(names = "--detach", description = "With --remote: return once the tasks are enqueued (follow with `kleiber status`).")
    boolean detach;

    @Mixin
    RunTelemetry.Option telemetryOption = new RunTelemetry.Option();

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        if ((plan == null) == (request == null || request.isBlank())) {
            throw KleiberException.badInput("say what to do: kleiber run \"REQUEST\", or kleiber run --plan FILE");
        }
        if (remote.isEmpty() && options.waitForWorkers.isPresent()) {
            throw KleiberException.badInput("--wait-for-workers goes with --remote: a run here has no workers to wait for");
        }
        // read before any work: a bad time exits 2 before a request is planned
        Duration waitForWorkers = options.waitForWorkers(context);
        String text = plan == null ? "" : read(context.resolve(plan));
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        try (AgentRuntime runtime = AgentRuntime.open(context, layout, options.script.path(context),
                spec.commandLine().getErr())) {
            PrintWriter out = spec.commandLine().getOut();
            String runId = runtime.freshRunId(RUN_ID.format(context.clock().instant()));
            Plan parsed;
            if (plan == null) {
                parsed = RequestPlanning.plan(runtime, runId, request, out).plan();
                text = new PlanFileWriter().write(parsed);
            } else {
                try {
                    parsed = new PlanFileParser(new SafeYaml(), runtime.project.roleScopes()).parse(text, plan);
                } catch (InvalidPlanException e) {
                    PrintWriter err = spec.commandLine().getErr();
                    e.problems().stream().map(PlanProblem::toString).forEach(err::println);
                    err.println("kleiber: " + plan + " is not a valid plan");
                    return KleiberException.BAD_INPUT;
                }
            }
            if (runtime.scripted()) {
                out.println(options.script.notice("kleiber run \"REQUEST\""));
            }
            out.println("run " + runId + ": " + Counted.of(parsed.tasks().size(), "task") + " from "
                    + (plan == null ? "the conductor's plan" : plan));
            if (remote.isPresent()) {
                return RemoteRun.enqueue(runtime, context, out, runId, plan == null ? request : "plan " + plan, parsed,
                        text, remote.get(), detach, waitForWorkers);
            }
            if (detach) {
                throw KleiberException.badInput("--detach goes with --remote: a run here ends with the command");
            }
            int n = options.workers(runtime.project.settings().workers());
            RunOutcome outcome;
            try (RunTelemetry telemetry = telemetryOption.open(runtime, context, n, out);
                 RunProgress progress = RunProgress.open(options.board, out, context, runtime, runId, n)) {
                Conductor conductor = telemetry.conductor(RunSetup.builder(runtime, context,
                        telemetry.listener(progress.listener())), runtime, context);
                // the watch of main tells through the conductor, so the store keeps its events too
                try (MainWatch watch = RunSetup.mainWatch(runtime, context, conductor.listener(), runId)) {
                    outcome = conductor.start(runId, plan == null ? request : "plan " + plan, parsed, text, n).await();
                }
            }
            return report(out, outcome, runtime.store.tasks().ofRun(runId), BlockedDesk.questions(runtime.store, runId),
                    Conductor.environmentStops(runtime.store, runId));
        }
    }

    /** One line per event a person should see, as {@link RunEventText} words it. */
    static RunListener printer(PrintWriter out, CliContext context) {
        return event -> RunEventText.of(event).ifPresent(message -> {
            synchronized (out) {
                out.println(eventLine(context.clock(), event.taskId(), message));
                out.flush();
            }
        });
    }

    /** {@code 14:03:07 task-id: message}: how an event reads in a pipe, a log and the board. */
    static String eventLine(Clock clock, String task, String message) {
        return TIME.format(clock.instant()) + " " + (task.isEmpty() ? "" : task + ": ") + message;
    }

    /** Prints where the run stands and what waits for whom; the exit code (1 when a task failed or its environment stopped it). */
    static int report(PrintWriter out, RunOutcome outcome, List<TaskRecord> tasks, Map<String, String> questions,
                      Map<String, String> environmentStops) {
        Map<String, String> agents = tasks.stream().collect(Collectors.toMap(TaskRecord::id, TaskRecord::agent));
        out.println();
        out.println("run " + outcome.runId() + ": " + outcome.merged().size() + " merged, " + outcome.awaitingReview().size()
                + " awaiting review, " + outcome.blocked().size() + " blocked, " + outcome.failed().size() + " failed, "
                + (outcome.queued().size() + outcome.waiting().size()) + " not started");
        outcome.pause().ifPresent(p -> out.println("PAUSED for budget: " + p + "; the tasks not done stay queued. "
                + "See `kleiber budget`, then `kleiber resume`."));
        for (String id : outcome.awaitingReview()) {
            out.println("  " + id + " waits for a person: `kleiber review show " + id + "`, then `kleiber approve " + id
                    + "` or `kleiber reject " + id + " --feedback TEXT`");
        }
        for (String id : outcome.blocked()) {
            if (environmentStops.containsKey(id)) {
                out.println("  " + id + " stopped, not the agent's fault: " + environmentStops.get(id).strip().replace("\n", " ")
                        + " Its branch keeps the work.");
                continue;
            }
            String file = FileLocation.blockedFile(agents.get(id), id);
            out.println(questions.containsKey(id)
                    ? "  " + id + " is blocked, the conductor asks a person: " + questions.get(id) + " (answer in " + file + ")"
                    : "  " + id + " is blocked, waits for the conductor or a person: see " + file);
            if (questions.containsKey(id)) {
                out.println("    answer with your name recorded: `kleiber answer " + id + " \"TEXT\"`");
            }
        }
        for (String id : outcome.failed()) {
            out.println("  " + id + " failed");
        }
        outcome.waiting().forEach((id, on) -> out.println("  " + id + " waits for " + String.join(", ", on)));
        for (String id : outcome.queued()) {
            out.println("  " + id + " is queued: `kleiber resume` continues it");
        }
        boolean stopped = outcome.blocked().stream().anyMatch(environmentStops::containsKey);
        if (outcome.finished()) {
            out.println("every task is merged.");
        } else if (stopped) {
            out.println("fix what the stopped tasks name, then continue with `kleiber resume`.");
        } else if (outcome.failed().isEmpty()) {
            out.println("continue with `kleiber resume` once these are answered.");
        }
        out.flush();
        // a task stopped by its environment did not get done either: the run needs a fix before it can
        return outcome.anyFailed() || stopped ? KleiberException.FAILED : 0;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw KleiberException.badInput("cannot read the plan " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw KleiberException.badInput("cannot read the plan " + file + ": permission denied");
        } catch (IOException e) {
            // the JDK's message is often the path alone, which the sentence already names
            String why = e.getMessage() == null || e.getMessage().contains(file.toString())
                    ? e.getClass().getSimpleName() : e.getMessage();
            throw KleiberException.badInput("cannot read the plan " + file + ": " + why);
        }
    }
}
