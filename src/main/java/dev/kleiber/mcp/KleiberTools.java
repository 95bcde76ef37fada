package dev.kleiber.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.kleiber.mcp.Schema.flag;
import static dev.kleiber.mcp.Schema.integer;
import static dev.kleiber.mcp.Schema.object;
import static dev.kleiber.mcp.Schema.pattern;
import static dev.kleiber.mcp.Schema.text;
import static dev.kleiber.mcp.Schema.texts;

/**
 * The tools {@code kleiber mcp} offers. Each read tool is one {@code kleiber} command line with {@code --json}, run
 * by {@link KleiberCommands}: the answer is what the CLI prints, an error is what the CLI says on stderr. Options are
 * passed as {@code --name=value} and free text after {@code --}, so that no argument a model sends becomes an option.
 */
final class KleiberTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KleiberCommands commands;
    private final Path project;
    private final ProtocolFileDesk desk;

    KleiberTools(KleiberCommands commands, Path project, ProtocolFileDesk desk) {
        this.commands = commands;
        this.project = project.toAbsolutePath().normalize();
        this.desk = desk;
    }

    List<KleiberTool> all() {
        return List.of(
                new KleiberTool("route_task", "Route a task",
                        "Which Claude model tier (haiku, sonnet, opus) Kleiber's router gives a task, whether a person "
                                + "must review it, and every reason, as `kleiber route --json` prints it.",
                        object(List.of("description"),
                                text("description", "What the task does, in a sentence or two."),
                                text("agent", "The role that will do it, e.g. engineer-backend."),
                                texts("files", "Files the task will touch."),
                                texts("services", "Services the task will touch."),
                                integer("minutes", 0, 100_000, "Estimated minutes the task takes."),
                                flag("reversible", "Whether the change is easy to undo."),
                                flag("explain", "Also list every rule considered and what became of it.")),
                        true, args -> command(route(args))),
                new KleiberTool("plan_check", "Check a plan file",
                        "Validate a plan file (YAML with a 'tasks:' list): its tasks, dependencies and waves, as "
                                + "`kleiber plan check --json` prints them. Spends nothing.",
                        object(List.of("file"),
                                text("file", "The plan file, relative to the project, e.g. examples/plan.yaml."),
                                integer("workers", 1, 64, "Workers to schedule the waves for.")),
                        true, args -> command(planCheck(args))),
                new KleiberTool("plan_estimate", "Dry-run a plan",
                        "Route every task of a plan file and estimate its cost beside the all-Opus cost, writing "
                                + "nothing: `kleiber plan --from FILE --dry-run --json`. Makes no model call.",
                        object(List.of("file"),
                                text("file", "The plan file, relative to the project.")),
                        true, args -> command(List.of("plan", "--from=" + path(args, "file"), "--dry-run", "--json"))),
                new KleiberTool("run_status", "Status of a run",
                        "Each task of the latest run (or the named one) with its state, agent, model, attempt and "
                                + "cost; the budget; what waits for a person: `kleiber status --json`.",
                        object(List.of(), text("run", "The run id (default: the latest run).")),
                        true, args -> command(withOption(List.of("status", "--json"), "--run", args.text("run")))),
                new KleiberTool("cost_report", "Cost of a day or a run",
                        "Tokens and dollars from the ledger by model, task and agent, and what the same work would "
                                + "have cost on Opus alone: `kleiber cost --json`.",
                        object(List.of(),
                                pattern("day", "^\\d{4}-\\d{2}-\\d{2}$", "The day (YYYY-MM-DD) in the budget's time zone."),
                                text("run", "Only this run.")),
                        true, args -> command(withOption(withOption(List.of("cost", "--json"), "--day", args.text("day")),
                                "--run", args.text("run")))),
                new KleiberTool("budget_status", "Budget",
                        "Today's spend, reservations and what is left of the daily budget, and the per-run and per-task "
                                + "limits: `kleiber budget --json`. Read-only: raising a limit is a person's decision.",
                        object(List.of()),
                        true, args -> command(List.of("budget", "--json"))),
                new KleiberTool("protocol_check", "Check protocol files",
                        "Check protocol files (tasks/, progress/, complete/, blocked/) against their formats; each "
                                + "problem with its line: `kleiber protocol check --json`.",
                        object(List.of(), texts("paths", "Files or folders relative to the project (default: all "
                                + "protocol folders).")),
                        true, args -> command(protocolCheck(args))),
                new KleiberTool("protocol_show", "Show a protocol file",
                        "One protocol file as parsed, as JSON: `kleiber protocol show --json FILE`.",
                        object(List.of("file"), text("file", "The protocol file, e.g. tasks/engineer-backend/feat-001.md.")),
                        true, args -> command(List.of("protocol", "show", "--json", "--", path(args, "file")))),
                new KleiberTool("review_queue", "Review queue",
                        "The tasks waiting for a person's review, one a line: `kleiber review`. Read-only: approving "
                                + "or rejecting is a person's decision, made on the command line.",
                        object(List.of(), text("run", "Only this run (default: every run).")),
                        true, args -> command(withOption(List.of("review"), "--run", args.text("run")))),
                new KleiberTool("review_show", "Show a task waiting for review",
                        "A waiting task's diff, the routing reasons that demand review, and its validation report: "
                                + "`kleiber review show TASK`.",
                        object(List.of("task"), text("task", "The task id, e.g. feat-003."),
                                text("run", "The run (default: the one where the task waits).")),
                        true, args -> command(reviewShow(args))),
                new KleiberTool("write_protocol_file", "Write a task or blocked file",
                        "Write a new task file (tasks/{agent}/{task-id}.md) or blocked file "
                                + "(blocked/{agent}/{task-id}-conflict.md). The text must pass the protocol's validation "
                                + "(the same checks as `kleiber protocol check`); an existing file is never replaced.",
                        object(List.of("path", "content"),
                                text("path", "Where, relative to the project: tasks/{agent}/{task-id}.md or "
                                        + "blocked/{agent}/{task-id}-conflict.md."),
                                text("content", "The whole markdown text of the file.")),
                        false, args -> desk.write(path(args, "path"), args.requiredText("content"))));
    }

    private List<String> route(ToolArguments args) {
        List<String> line = new ArrayList<>(List.of("route", "--json"));
        args.text("agent").ifPresent(agent -> line.add("--agent=" + agent));
        args.texts("files").forEach(file -> line.add("--files=" + file));
        args.texts("services").forEach(service -> line.add("--services=" + service));
        args.integer("minutes").ifPresent(minutes -> line.add("--minutes=" + minutes));
        args.flag("reversible").ifPresent(reversible -> line.add("--reversible=" + reversible));
        if (args.flag("explain").orElse(false)) {
            line.add("--explain");
        }
        line.add("--");
        line.add(args.requiredText("description"));
        return line;
    }

    private List<String> planCheck(ToolArguments args) {
        List<String> line = new ArrayList<>(List.of("plan", "check", "--json"));
        args.integer("workers").ifPresent(workers -> line.add("--workers=" + workers));
        line.add("--");
        line.add(path(args, "file"));
        return line;
    }

    private List<String> protocolCheck(ToolArguments args) {
        List<String> line = new ArrayList<>(List.of("protocol", "check", "--json", "--"));
        for (String path : args.texts("paths")) {
            line.add(args.projectPath("paths", path, project));
        }
        return line;
    }

    private List<String> reviewShow(ToolArguments args) {
        List<String> line = new ArrayList<>(withOption(List.of("review", "show"), "--run", args.text("run")));
        line.add("--");
        line.add(args.requiredText("task"));
        return line;
    }

    private String path(ToolArguments args, String name) {
        return args.projectPath(name, args.requiredText(name), project);
    }

    private static List<String> withOption(List<String> line, String option, Optional<String> value) {
        List<String> longer = new ArrayList<>(line);
        value.ifPresent(v -> longer.add(option + "=" + v));
        return List.copyOf(longer);
    }

    /** Runs one command line; the CLI's stdout is the answer, its stderr (and any report on stdout) the refusal. */
    private ToolAnswer command(List<String> line) {
        CommandOutcome outcome = commands.run(line);
        if (outcome.exitCode() != 0) {
            String message = (outcome.err().strip() + "\n" + outcome.out().strip()).strip();
            return new ToolAnswer.Refused(message.isEmpty() ? "kleiber " + line.getFirst() + " exited with "
                    + outcome.exitCode() : message);
        }
        return new ToolAnswer.Answer(outcome.out(), structured(outcome.out()));
    }

    /** The JSON document the CLI printed, as an object (an array is wrapped as {"items": [...]}), if it printed one. */
    @SuppressWarnings("unchecked")
    static Optional<Map<String, Object>> structured(String out) {
        String trimmed = out.strip();
        if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(trimmed);
            if (node.isObject()) {
                return Optional.of(JSON.convertValue(node, LinkedHashMap.class));
            }
            if (node.isArray()) {
                Map<String, Object> wrapped = new LinkedHashMap<>();
                wrapped.put("items", JSON.convertValue(node, List.class));
                return Optional.of(wrapped);
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
