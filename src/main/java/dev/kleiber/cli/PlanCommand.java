package dev.kleiber.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.conductor.PlanFiles;
import dev.kleiber.conductor.Planner;
import dev.kleiber.conductor.RoutedTask;
import dev.kleiber.conductor.TaskFileWriter;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.ledger.CostEstimator;
import dev.kleiber.ledger.CostReport;
import dev.kleiber.ledger.Usd;
import dev.kleiber.plan.InvalidPlanException;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.RoutingPolicy;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code kleiber plan "REQUEST" | --from FILE [--dry-run]}: plans (the conductor drafts, the architect reviews) or
 * loads a plan, routes every task, and writes the task files and the plan file that {@code kleiber run --plan}
 * runs; or, with {@code --dry-run}, prints the plan, the routing and the estimated cost and writes nothing.
 *
 * <p>The plan file goes to {@code .kleiber/plans/{plan-id}.yaml}: beside the project's settings, tracked by git so
 * a team can review it, and read-only to agents (they cannot touch {@code .kleiber}), so the plan a person
 * approved is the plan that runs.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Plan a REQUEST (the conductor drafts on Opus, the architect reviews), or load --from FILE (a "
                + "plan in YAML); route every task; write the task files (tasks/{agent}/{task-id}.md) and the plan "
                + "(.kleiber/plans/{plan-id}.yaml) for `kleiber run --plan`.",
                "With --dry-run: print the plan, each routing decision with its reasons and the estimated cost beside "
                        + "the all-Opus cost, and write nothing. The planning calls of a REQUEST are still made and "
                        + "recorded in the ledger, as every call is."},
        subcommands = {PlanCheckCommand.class},
        footer = {"", "Examples:",
                "  kleiber plan --from examples/plan.yaml --dry-run",
                "  kleiber plan \"Add a KYC status filter to the dashboard\"",
                "  kleiber plan check examples/plan.yaml"})
final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "REQUEST", description = "The feature request to plan.")
    String request;

    @Option(names = "--from", paramLabel = "FILE", description = "A plan (YAML with a 'tasks:' list) instead of a REQUEST.")
    String from;

    @Option(names = "--dry-run", description = "Print the plan, the routing and the cost estimate; write nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as one JSON document.")
    boolean json;

    @Mixin
    ScriptOption script = new ScriptOption();

    /**
     * A plan, the text it is kept as (the --from file as written, or the conductor's plan in the plan-file
     * format), where it came from, and for a request the planning with its ledger figures.
     */
    private record Source(Plan plan, String text, String origin, Optional<Planner.Result> planning,
                          Optional<CostReport> planningCost) {
    }

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        boolean hasRequest = request != null && !request.isBlank();
        if (hasRequest == (from != null)) {
            throw KleiberException.badInput("say what to plan: kleiber plan \"REQUEST\", or kleiber plan --from FILE");
        }
        if (from != null && script.given()) {
            throw KleiberException.badInput("--script replays the planner's answers; a plan --from FILE needs none");
        }
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        ProjectConfig project = ProjectConfig.load(layout);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = json ? spec.commandLine().getErr() : out;
        PlanFiles plans = new PlanFiles(layout);
        String planId = plans.freshId(context.clock().instant());
        // Routing policy and prices are checked before planning spends anything.
        RoutingPolicy policy = RoutingPolicies.load(Optional.of(layout));
        Router router = new Router(policy);
        LedgerSettings ledger = LedgerSettings.of(layout, project.settings(), Optional.empty());
        CostEstimator estimator = new CostEstimator(ledger.prices(), ledger.models());

        Source source;
        if (from != null) {
            String text = PlanCheckCommand.read(context.resolve(from), from);
            try {
                source = new Source(new PlanFileParser(new SafeYaml(), project.roleScopes()).parse(text, from), text,
                        from, Optional.empty(), Optional.empty());
            } catch (InvalidPlanException e) {
                PlanCheckCommand.report(e, from, spec.commandLine().getErr());
                return KleiberException.BAD_INPUT;
            }
        } else {
            source = plan(context, layout, planId, progress);
        }

        List<RoutedTask> routed = source.plan().tasks().stream().map(t -> RoutedTask.route(t, router)).toList();

        List<String> written = new ArrayList<>();
        List<Boolean> replaced = new ArrayList<>();
        Optional<Path> planFile = Optional.empty();
        if (!dryRun) {
            OffsetDateTime created = OffsetDateTime.ofInstant(context.clock().instant(), ZoneOffset.UTC)
                    .truncatedTo(ChronoUnit.SECONDS);
            TaskFileWriter writer = new TaskFileWriter(layout.root());
            for (RoutedTask task : routed) {
                boolean existed = Files.exists(layout.root().resolve(
                        new FileLocation(Kind.TASK, task.agent(), task.id()).relativePath()));
                TaskFile file = writer.write(task, task.tier(), created, Optional.empty());
                written.add(file.location().relativePath().toString());
                replaced.add(existed);
            }
            planFile = Optional.of(plans.write(planId, context.clock().instant(), source.origin(), source.text()));
        }
        Report report = new Report(planId, source, routed, policy, estimator, written, replaced,
                planFile.map(p -> display(context, p)), EstimateNotes.remainingToday(ledger, context.clock()));
        if (json) {
            out.println(Json.write(report.toJson()));
        } else if (dryRun) {
            report.printDryRun(out);
        } else {
            report.printWritten(out);
        }
        out.flush();
        return 0;
    }

    private Source plan(CliContext context, ProjectLayout layout, String planId, PrintWriter progress) {
        try (AgentRuntime runtime = AgentRuntime.open(context, layout, script.path(context),
                spec.commandLine().getErr())) {
            if (runtime.scripted()) {
                progress.println(script.notice("kleiber plan \"REQUEST\""));
            }
            Planner.Result result = RequestPlanning.plan(runtime, planId, request, progress);
            return new Source(result.plan(), new PlanFileWriter().write(result.plan()), "the request: " + request.strip(),
                    Optional.of(result),
                    Optional.of(runtime.ledger.cost(Optional.empty(), Optional.of(planId))));
        }
    }

    private static String display(CliContext context, Path path) {
        return context.workingDir().toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize()).toString();
    }

    /** What a plan command prints: the routed tasks with their reasons and estimates, and what it wrote. */
    private final class Report {
        private final String planId;
        private final Source source;
        private final List<RoutedTask> tasks;
        private final RoutingPolicy policy;
        private final List<CostEstimator.Estimate> estimates;
        private final CostEstimator.Range total;
        private final CostEstimator.Range totalAllOpus;
        private final List<String> written;
        private final List<Boolean> replaced;
        private final Optional<String> planFile;
        private final String tokenizer;
        private final BigDecimal remainingToday;

        Report(String planId, Source source, List<RoutedTask> tasks, RoutingPolicy policy, CostEstimator estimator,
               List<String> written, List<Boolean> replaced, Optional<String> planFile, BigDecimal remainingToday) {
            this.tokenizer = EstimateNotes.tokenizer(estimator);
            this.remainingToday = remainingToday;
            this.planId = planId;
            this.source = source;
            this.tasks = tasks;
            this.policy = policy;
            this.estimates = tasks.stream().map(t -> estimator.estimate(t.tier())).toList();
            this.total = estimates.stream().map(CostEstimator.Estimate::cost)
                    .reduce(CostEstimator.Range.ZERO, CostEstimator.Range::plus);
            this.totalAllOpus = estimates.stream().map(CostEstimator.Estimate::allOpus)
                    .reduce(CostEstimator.Range.ZERO, CostEstimator.Range::plus);
            this.written = written;
            this.replaced = replaced;
            this.planFile = planFile;
        }

        private String origin() {
            return source.planning().isPresent() ? "the conductor's plan" : source.origin();
        }

        void printDryRun(PrintWriter out) {
            out.println("DRY RUN: nothing was written: no task files, no plan file.");
            source.planningCost().ifPresent(cost -> out.println("The " + cost.calls() + " planning "
                    + (cost.calls() == 1 ? "call was" : "calls were") + " made and " + (cost.calls() == 1 ? "is" : "are")
                    + " recorded in the ledger under " + planId + " (" + Usd.fine(cost.totalUsd())
                    + "), as every call is."));
            out.println();
            out.println("Plan " + planId + ": " + tasks.size() + (tasks.size() == 1 ? " task" : " tasks") + " from " + origin());
            for (int i = 0; i < tasks.size(); i++) {
                RoutedTask task = tasks.get(i);
                CostEstimator.Estimate estimate = estimates.get(i);
                out.println();
                out.println("  " + task.id() + "  " + task.task().title());
                out.println("    agent " + task.agent() + ", priority " + task.task().priority().id() + ", depends on "
                        + (task.task().dependsOn().isEmpty() ? "nothing" : String.join(", ", task.task().dependsOn())));
                out.println("    model " + task.tier().id() + " (" + estimate.model() + ")"
                        + (task.needsReview() ? ", HUMAN REVIEW REQUIRED (forced)" : ", no human review")
                        + "   est. " + range(estimate.cost()) + " (all-Opus " + range(estimate.allOpus()) + ")");
                suggestion(task).ifPresent(line -> out.println("    " + line));
                int width = task.decision().reasons().stream().mapToInt(r -> r.ruleId().length()).max().orElse(0);
                String label = "    why: ";
                for (Reason reason : task.decision().reasons()) {
                    out.println(label + pad(reason.ruleId(), width) + "  " + explain(reason));
                    label = "         ";
                }
            }
            out.println();
            printTotal(out);
            out.println("To write the task files and the plan, repeat without --dry-run; `kleiber run --plan` then runs "
                    + "exactly that plan.");
        }

        void printWritten(PrintWriter out) {
            out.println("plan " + planId + ": " + tasks.size() + (tasks.size() == 1 ? " task" : " tasks") + " from " + origin());
            int width = written.stream().mapToInt(String::length).max().orElse(0);
            for (int i = 0; i < tasks.size(); i++) {
                RoutedTask task = tasks.get(i);
                out.println((replaced.get(i) ? "  replaced " : "  wrote    ") + pad(written.get(i), width) + "  " + pad(task.tier().id()
                        + (task.needsReview() ? ", human review" : ""), 19) + "  est. " + range(estimates.get(i).cost())
                        + "  (" + String.join(", ", task.decision().reasons().stream().map(Reason::ruleId).distinct().toList()) + ")");
            }
            out.println("  wrote    " + planFile.orElseThrow());
            printTotal(out);
            out.println("Run exactly this plan with: kleiber run --plan " + planFile.orElseThrow());
        }

        private void printTotal(PrintWriter out) {
            out.println("Estimated cost: " + range(total) + " (all-Opus " + range(totalAllOpus) + ") for "
                    + tasks.size() + (tasks.size() == 1 ? " task" : " tasks") + ".");
            out.println("  (low end: one short session per task; high end: a long session and a retry; input at list "
                    + "price, before prompt caching; escalations not included)");
            out.println("  " + tokenizer);
            EstimateNotes.budget(total, remainingToday).ifPresent(out::println);
        }

        /** What became of the plan's suggested model, when it changed anything. */
        private Optional<String> suggestion(RoutedTask task) {
            Tier routed = task.decision().tier();
            return task.task().model().flatMap(m -> {
                if (m.compareTo(task.tier()) < 0) {
                    return Optional.of("the plan suggested " + m.id() + "; it runs on " + task.tier().id()
                            + ", the lowest tier its routing allows");
                }
                return m == routed ? Optional.empty()
                        : Optional.of("the plan's suggestion " + m.id() + " replaces the router's " + routed.id());
            });
        }

        private String explain(Reason reason) {
            return policy.rule(reason.ruleId()).map(rule -> rule.description() + ": " + reason.evidence())
                    .orElse(reason.evidence());
        }

        ObjectNode toJson() {
            ObjectNode root = Json.object();
            root.put("plan", planId);
            root.put("dryRun", dryRun);
            if (source.planning().isPresent()) {
                root.put("request", request.strip());
                ObjectNode planning = root.putObject("planning");
                planning.put("reviews", source.planning().get().reviews());
                source.planning().get().feedback().forEach(planning.putArray("feedback")::add);
                source.planningCost().ifPresent(cost -> planning.put("calls", cost.calls()).put("costUsd", cost.totalUsd()));
                planning.put("recordedInLedger", true);
            } else {
                root.put("from", from);
            }
            ArrayNode array = root.putArray("tasks");
            for (int i = 0; i < tasks.size(); i++) {
                RoutedTask task = tasks.get(i);
                CostEstimator.Estimate estimate = estimates.get(i);
                ObjectNode node = array.addObject().put("id", task.id()).put("title", task.task().title())
                        .put("agent", task.agent()).put("priority", task.task().priority().id());
                task.task().dependsOn().forEach(node.putArray("dependsOn")::add);
                task.task().model().ifPresentOrElse(m -> node.put("suggestedModel", m.id()), () -> node.putNull("suggestedModel"));
                node.put("model", task.tier().id()).put("modelId", estimate.model())
                        .put("humanReview", task.needsReview()).put("floor", task.decision().floor().id());
                ArrayNode reasons = node.putArray("reasons");
                for (Reason reason : task.decision().reasons()) {
                    ObjectNode r = reasons.addObject().put("rule", reason.ruleId());
                    policy.rule(reason.ruleId()).ifPresent(rule -> r.put("description", rule.description()));
                    r.put("evidence", reason.evidence());
                }
                putRange(node, "estimateUsd", estimate.cost());
                putRange(node, "allOpusUsd", estimate.allOpus());
                if (!written.isEmpty()) {
                    node.put("taskFile", written.get(i));
                }
            }
            putRange(root, "estimateUsd", total);
            putRange(root, "allOpusUsd", totalAllOpus);
            root.put("tokenizer", tokenizer);
            root.put("remainingTodayUsd", remainingToday);
            root.put("highPassesRemainingBudget", total.high().compareTo(remainingToday) > 0);
            planFile.ifPresentOrElse(p -> root.put("planFile", p), () -> root.putNull("planFile"));
            return root;
        }
    }

    private static void putRange(ObjectNode node, String name, CostEstimator.Range range) {
        node.putObject(name).put("low", range.low()).put("high", range.high());
    }

    private static String range(CostEstimator.Range range) {
        return range.text();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
