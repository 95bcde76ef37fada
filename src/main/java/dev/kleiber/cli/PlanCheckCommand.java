package dev.kleiber.cli;

import dev.kleiber.Counted;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.plan.CriticalPath;
import dev.kleiber.plan.InvalidPlanException;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.plan.PlanProblem;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.RoleScopes;
import dev.kleiber.plan.Scheduler;
import dev.kleiber.plan.TaskGraph;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true, description = {
        "Validate a plan file (YAML with a 'tasks:' list) and print the order its tasks would start in and its "
                + "critical path. Every problem is printed as 'FILE line N: message' (exit 2).",
        "Agents are checked against the project's roles (.kleiber/agents) when run inside one, else the blueprint's; "
                + "a task's files: must lie inside its agent's write globs (write: of its file, or layout.write)."})
final class PlanCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The plan file, e.g. examples/plan.yaml.")
    String file;

    @Option(names = "--workers", paramLabel = "N",
            description = "Workers for the printed order (default: concurrency.workers of kleiber.yaml, or its default).")
    Optional<Integer> workers = Optional.empty();

    @Option(names = "--json", description = "Print the checked plan as one JSON document; an invalid plan as "
            + "{valid: false, problems: [{location, line, message}]}, any other error as {valid: false, error}.")
    boolean json;

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        Plan plan;
        int n;
        try {
            Optional<ProjectConfig> project = ProjectLayout.find(context.workingDir()).map(ProjectConfig::load);
            RoleScopes roles = project.map(ProjectConfig::roleScopes)
                    .orElse(RoleScopes.unchecked(Set.copyOf(dev.kleiber.routing.Roles.BLUEPRINT)));
            n = workers.orElse(project.map(p -> p.settings().workers()).orElse(KleiberConfig.defaults().workers()));
            if (n < 1) {
                throw KleiberException.badInput("--workers must be at least 1; found " + n);
            }
            plan = new PlanFileParser(new SafeYaml(), roles).parse(read(context.resolve(file), file), file);
        } catch (InvalidPlanException e) {
            if (json) {
                spec.commandLine().getOut().println(invalidJson(e.problems(), Optional.empty()).toPrettyString());
            } else {
                report(e, file, spec.commandLine().getErr());
            }
            return KleiberException.BAD_INPUT;
        } catch (KleiberException e) {
            if (!json) {
                throw e;
            }
            spec.commandLine().getOut().println(invalidJson(List.of(), Optional.of(e.getMessage())).toPrettyString());
            return e.exitCode();
        }
        TaskGraph graph = TaskGraph.of(plan);
        CriticalPath path = graph.criticalPath();
        Map<String, Integer> steps = unitSchedule(path, n);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(graph, path, steps, n).toPrettyString());
            return 0;
        }
        out.printf("%s: %s, valid.%n%n", file, Counted.of(graph.size(), "task"));
        out.printf("Order on %d %s (each task one step; the longest remaining path starts first):%n", n,
                n == 1 ? "worker" : "workers");
        int idWidth = Math.max(4, graph.tasks().stream().mapToInt(t -> t.id().length()).max().orElse(0));
        int agentWidth = Math.max(5, graph.tasks().stream().mapToInt(t -> t.agent().length()).max().orElse(0));
        String row = "  %-4s  %-" + idWidth + "s  %-" + agentWidth + "s  %-8s  %-6s  %4s  %s%n";
        out.printf(row, "step", "task", "agent", "priority", "model", "path", "depends on");
        for (Map.Entry<String, Integer> entry : steps.entrySet()) {
            PlannedTask task = graph.task(entry.getKey()).orElseThrow();
            out.printf(row, entry.getValue(), task.id(), task.agent(), task.priority().id(),
                    task.model().map(Tier::id).orElse("router"), path.remaining(task.id()),
                    task.dependsOn().isEmpty() ? "-" : String.join(", ", task.dependsOn()));
        }
        List<String> critical = path.path();
        out.printf("%nCritical path (%d %s): %s%n", critical.size(), critical.size() == 1 ? "task" : "tasks",
                String.join(" → ", critical));
        out.printf("%s on %s; no schedule needs fewer than %d.%n", Counted.of(steps.values().stream().mapToInt(i -> i)
                .max().orElse(0), "step"), Counted.of(n, "worker"), path.lowerBound(n));
        ProjectLayout.find(context.workingDir()).map(ProjectConfig::load)
                .ifPresent(p -> ReusedTaskIds.notes(p, plan, context.clock()).forEach(out::println));
        return 0;
    }

    /** The scheduler's own choices when every task takes one step: task → the step it starts in, in start order. */
    private static Map<String, Integer> unitSchedule(CriticalPath path, int workers) {
        Scheduler scheduler = new Scheduler(path, workers);
        Map<String, Integer> steps = new LinkedHashMap<>();
        for (int step = 1; !scheduler.finished(); step++) {
            List<String> started = scheduler.next();
            for (String id : started) {
                steps.put(id, step);
            }
            started.forEach(scheduler::completed);
        }
        return steps;
    }

    /** Prints every problem of an invalid plan as {@code FILE line N: message}, then how many there were. */
    static void report(InvalidPlanException e, String file, PrintWriter err) {
        e.problems().stream().map(PlanProblem::toString).forEach(err::println);
        int count = e.problems().size();
        err.println("kleiber: " + file + " is not a valid plan: " + count + (count == 1 ? " problem" : " problems"));
    }

    /** The plan file's text; {@code file} names it in messages as the user typed it. */
    static String read(Path path, String file) {
        try {
            if (Files.size(path) > 4L * SafeYaml.MAX_CHARS) {
                throw KleiberException.badInput(file + ": too large for a plan file");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path))).toString();
        } catch (NoSuchFileException e) {
            throw KleiberException.badInput(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw KleiberException.badInput(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw KleiberException.badInput(file + ": cannot be read: " + e.getMessage());
        }
    }

    /** {@code {valid: false, problems: [{location, line, message}], error}}: what --json prints for a refused plan. */
    private static ObjectNode invalidJson(List<PlanProblem> problems, Optional<String> error) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("valid", false);
        var array = root.putArray("problems");
        for (PlanProblem problem : problems) {
            ObjectNode node = array.addObject().put("location", problem.location());
            java.util.regex.Matcher line = java.util.regex.Pattern.compile(" line (\\d+)$").matcher(problem.location());
            if (line.find()) {
                node.put("line", Integer.parseInt(line.group(1)));
            }
            node.put("message", problem.message());
        }
        error.ifPresent(e -> root.put("error", e));
        return root;
    }

    private static ObjectNode toJson(TaskGraph graph, CriticalPath path, Map<String, Integer> steps, int workers) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("valid", true);
        root.put("workers", workers);
        var tasks = root.putArray("tasks");
        steps.forEach((id, step) -> {
            PlannedTask task = graph.task(id).orElseThrow();
            ObjectNode node = tasks.addObject().put("id", id).put("title", task.title()).put("agent", task.agent())
                    .put("priority", task.priority().id());
            task.model().ifPresentOrElse(m -> node.put("model", m.id()), () -> node.putNull("model"));
            task.dependsOn().forEach(node.putArray("dependsOn")::add);
            node.put("branch", task.featureBranch()).put("step", step).put("remainingPath", path.remaining(id));
        });
        path.path().forEach(root.putArray("criticalPath")::add);
        root.put("steps", steps.values().stream().mapToInt(i -> i).max().orElse(0));
        root.put("lowerBound", path.lowerBound(workers));
        return root;
    }
}
