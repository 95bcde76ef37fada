package dev.kleiber.cli;

import dev.kleiber.Counted;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.MainWatch;
import dev.kleiber.conductor.RoutedTask;
import dev.kleiber.conductor.RunOutcome;
import dev.kleiber.conductor.RunPlan;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.ledger.CostEstimator;
import dev.kleiber.ledger.Usd;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.TaskState;
import dev.kleiber.KleiberException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code kleiber demo}: the whole orchestration on a bundled sample shop, with only the model's answers
 * scripted. It builds a fresh repository, then runs what {@code kleiber run}, {@code budget raise},
 * {@code approve}, {@code resume} and {@code cost} run, in-process: the conductor plans and the architect
 * reviews, the router explains each model, three agents work in parallel in worktrees, the sandbox refuses a
 * write outside a role, the validator runs the shop's real tests (a failure, then a pass on retry), the budget
 * guard pauses the run until a person raises the limit, a payments task waits for a person's review, and the
 * ledger prints what it all cost beside the all-Opus price.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"See everything Kleiber does in about a minute, with no API key and no network: a sample Node "
                + "shop in a new git repository, a planned run of five tasks by agents whose answers are scripted, while "
                + "everything else is real - routing, worktrees, the bwrap sandbox, validation with `node --test`, the "
                + "budget guard, human review, merges, the ledger and the scribe.",
                "Without --yes it asks in the terminal before raising the budget and before approving the payments "
                        + "task; when stdin is not a terminal it stops there instead and prints the commands that "
                        + "continue (exit 0, as `kleiber run` does when work waits for a person)."})
final class DemoCommand implements Callable<Integer> {
    static final String REQUEST = "Add title search, a stock badge and card refunds to Lantern Books";
    static final String FOR_REAL = "ANTHROPIC_API_KEY=sk-ant-... ./kleiber run \"REQUEST\"";
    /** The daily limit a person sets when the demo's small budget pauses the run. */
    static final BigDecimal RAISED_BUDGET_USD = new BigDecimal("5.00");
    /** What the plan preview assumes one agent session takes, to compare the routed plan with all-Opus. */
    private static final int MAX_DECISIONS = 8;
    private static final List<String> SCRUBBED_ENV = List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL");

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Make the demo repository here (a new or empty folder); "
            + "default: a new folder under the system's temp folder.")
    Optional<String> dir = Optional.empty();

    @Option(names = "--yes", description = "Say yes to the demo's questions (raise the budget, approve the payments "
            + "task) without asking: through the same code as `kleiber budget raise` and `kleiber approve`.")
    boolean yes;

    @Option(names = "--workers", paramLabel = "N", description = "Agents in parallel (default: 3).")
    Optional<Integer> workers = Optional.empty();

    @Option(names = "--serve", description = "Also serve the dashboard on loopback and print its address and a one-time "
            + "sign-in link: watch the run live and make the demo's decisions (budget, the payments review) in the "
            + "browser. Without --yes the dashboard stays up after the demo until Ctrl-C.")
    boolean serve;

    @Option(names = "--port", paramLabel = "N", description = "The dashboard's port with --serve (default: any free port).")
    int port;

    private PrintWriter out;
    private PrintWriter err;
    private int step;

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        int n = RunOptions.atLeastOne(workers, 3);
        Optional<Path> requested = dir.map(context::resolve).map(DemoProject::requireUsable);
        Map<String, String> env = new HashMap<>(context.env());
        SCRUBBED_ENV.forEach(env::remove);
        DemoPrerequisites prerequisites = DemoPrerequisites.check(env);
        Path target = requested.orElseGet(DemoCommand::newTempFolder);
        HumanAnswers answers = yes ? HumanAnswers.YES : HumanAnswers.fromTerminal();

        out.println("Kleiber demo: the whole orchestration on a sample shop, with no API key and no network.");
        out.println("The model's answers are SCRIPTED (" + DemoProject.SCRIPT + " in the demo repository, Messages API "
                + "responses replayed); everything else is the production code path. To run for real, in your own "
                + "repository: " + FOR_REAL);
        if (context.env("ANTHROPIC_API_KEY").isPresent()) {
            out.println("ANTHROPIC_API_KEY is set and ignored: the demo never calls the API.");
        }
        prerequisites.sandboxNotice().ifPresent(notice -> out.println("NOTE: " + notice));

        screen("A new repository with the sample shop");
        CliContext demo = new CliContext(target, env, context.clock(), context.osAccount());
        String init = DemoProject.create(target, prerequisites.sandboxed());
        ProjectLayout layout = ProjectLayout.require(target);
        out.println("repository: " + layout.root());
        out.println("Lantern Books: a Node bookshop (catalogue service, HTTP API, storefront helpers) with 6 tests run by "
                + "`node --test` (node " + prerequisites.nodeVersion() + ").");
        out.println(init);
        out.println("settings: the validator runs `node --test`; today's budget is "
                + Usd.cents(ProjectConfig.loadSettings(layout).budget().dailyUsd()) + ", deliberately small; "
                + Counted.of(n, "agent") + " in parallel; sandbox " + (prerequisites.sandboxed() ? "bwrap" : "none") + ".");
        out.flush();

        try (AgentRuntime runtime = AgentRuntime.open(demo, layout, Optional.of(target.resolve(DemoProject.SCRIPT)), err)) {
            screen("Plan: the conductor drafts, the architect reviews, the router picks each model");
            out.println("request: " + REQUEST);
            String runId = runtime.freshRunId(RunCommand.RUN_ID.format(context.clock().instant()));
            Optional<DemoDashboard> dashboard = serve ? Optional.of(dashboard(demo, target, runId)) : Optional.empty();
            try {
                return run(demo, runtime, layout, target, runId, n, answers, dashboard);
            } finally {
                dashboard.ifPresent(DemoDashboard::close);
            }
        }
    }

    /** Starts the server for --serve and says where to look and how to sign in. */
    private DemoDashboard dashboard(CliContext demo, Path target, String runId) {
        if (port < 0 || port > 65535) {
            throw KleiberException.badInput("--port must be from 0 to 65535; found " + port);
        }
        DemoDashboard dashboard = DemoDashboard.start(demo, port, Optional.of(target.resolve(DemoProject.SCRIPT)), err);
        screen("Dashboard: watch the run live in your browser");
        out.println("dashboard:  " + dashboard.page("/runs/" + runId));
        out.println("sign in:    " + dashboard.signInLink("/runs/" + runId) + "   (works once, for 5 minutes)");
        out.println("            signs in as the token '" + DemoDashboard.TOKEN_NAME + "' (scope approve); later: "
                + launcher() + " token create --name you --scope approve");
        out.flush();
        return dashboard;
    }

    private Integer run(CliContext demo, AgentRuntime runtime, ProjectLayout layout, Path target, String runId,
                        int n, HumanAnswers answers, Optional<DemoDashboard> dashboard) {
        Plan plan = RequestPlanning.plan(runtime, runId, REQUEST, out).plan();
        printPlan(runtime, layout, plan);

        screen("Run: agents in parallel, each in its own worktree and sandbox; the validator runs the real tests");
        RunListener listener = RunCommand.printer(out, demo);
        Conductor conductor = RunSetup.conductor(runtime, demo, listener);
        RunOutcome outcome;
        try (MainWatch watch = RunSetup.mainWatch(runtime, demo, conductor.listener(), runId)) {
            outcome = conductor.start(runId, REQUEST, plan, new PlanFileWriter().write(plan), n).await();
        }
        RunCommand.report(out, outcome, runtime.store.tasks().ofRun(runId), BlockedDesk.questions(runtime.store, runId),
                Conductor.environmentStops(runtime.store, runId));
        for (int decisions = 0; !outcome.finished() && decisions < MAX_DECISIONS; decisions++) {
            boolean decided;
            if (outcome.pause().isPresent() && inBrowser(dashboard)) {
                screen("Budget: the guard stopped a call that would pass today's limit");
                DemoDashboard.awaitPerson(out, "raise today's budget (Budget page, e.g. to $"
                        + RAISED_BUDGET_USD.toPlainString() + ")", dashboard.get().page("/budget"),
                        () -> !runtime.ledger.status().paused());
                decided = true;
            } else if (outcome.pause().isPresent()) {
                decided = budgetDecision(demo, answers, target);
            } else if (!outcome.awaitingReview().isEmpty() && inBrowser(dashboard)) {
                List<String> waiting = outcome.awaitingReview();
                for (String task : waiting) {
                    screen("Review: " + task + " is forced to Opus and to a person's review");
                    DemoDashboard.awaitPerson(out, "read the diff of " + task + ", then Approve or Reject",
                            dashboard.get().page("/runs/" + runId + "/tasks/" + task), () -> runtime.store.tasks()
                                    .find(runId, task).map(t -> t.state() != TaskState.AWAITING_REVIEW).orElse(true));
                }
                decided = true;
            } else if (!outcome.awaitingReview().isEmpty()) {
                decided = reviewDecision(demo, answers, target, outcome.awaitingReview());
            } else {
                break;
            }
            if (!decided) {
                return 0;
            }
            screen("Resume: the run continues where it stopped");
            out.println("$ kleiber resume");
            try (MainWatch watch = RunSetup.mainWatch(runtime, demo, conductor.listener(), runId)) {
                outcome = conductor.resume(runId, n).await();
            }
            RunCommand.report(out, outcome, runtime.store.tasks().ofRun(runId), BlockedDesk.questions(runtime.store, runId),
                Conductor.environmentStops(runtime.store, runId));
        }
        if (!outcome.finished()) {
            throw KleiberException.failed("the demo's run did not finish as scripted (see the lines above); "
                    + "its repository is " + target);
        }
        screen("Cost: every call in the ledger, beside what the same tokens would have cost on Opus");
        command(demo, "cost");
        whereToLook(layout, runId);
        if (inBrowser(dashboard)) {
            stayUp(dashboard.get(), runId);
        }
        return 0;
    }

    /** Decisions are made in the browser when the dashboard is up and --yes did not answer them already. */
    private boolean inBrowser(Optional<DemoDashboard> dashboard) {
        return dashboard.isPresent() && !yes;
    }

    /** After the demo the dashboard stays up (cost charts, the merged run) until Ctrl-C or SIGTERM. */
    private void stayUp(DemoDashboard dashboard, String runId) {
        out.println();
        out.println("The dashboard stays up at " + dashboard.page("/runs/" + runId) + " (also " + dashboard.page("/cost")
                + "); stop with Ctrl-C.");
        out.flush();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "kleiber-demo-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path newTempFolder() {
        try {
            return Files.createTempDirectory("kleiber-demo-");
        } catch (IOException e) {
            throw KleiberException.failed("cannot make a temp folder for the demo (" + e.getMessage() + "); give one with --dir DIR", e);
        }
    }

    /** A screen's heading, with the reminder that the answers are scripted and how to run for real. */
    private void screen(String title) {
        out.println();
        out.println("== " + (++step) + ". " + title);
        out.println("   [model answers scripted; for real: " + FOR_REAL + "]");
        out.flush();
    }

    /** The plan as the router sees it: model, review, reasons; and an estimate beside the all-Opus price. */
    private void printPlan(AgentRuntime runtime, ProjectLayout layout, Plan plan) {
        RunPlan routed = RunPlan.route("preview", plan, new Router(RoutingPolicies.load(Optional.of(layout))));
        CostEstimator estimator = new CostEstimator(runtime.ledgerSettings.prices(), runtime.ledgerSettings.models());
        CostEstimator.Range routedCost = CostEstimator.Range.ZERO;
        CostEstimator.Range opusCost = CostEstimator.Range.ZERO;
        out.println();
        out.println("The plan, " + Counted.of(plan.tasks().size(), "task") + ", routed by the blueprint's policy:");
        int width = plan.tasks().stream().mapToInt(t -> t.id().length()).max().orElse(0);
        for (var planned : plan.tasks()) {
            RoutedTask task = routed.task(planned.id());
            CostEstimator.Estimate estimate = estimator.estimate(task.tier());
            out.printf("  %-" + width + "s  %-17s %-15s %s%n", task.id(), task.agent(),
                    task.tier().id() + (task.needsReview() ? " + review" : ""), planned.title()
                            + (planned.dependsOn().isEmpty() ? "" : "  (after " + String.join(", ", planned.dependsOn()) + ")"));
            out.println("  " + " ".repeat(width) + "  why: " + task.decision().reasons().stream()
                    .map(DemoCommand::reason).collect(Collectors.joining("; ")));
            routedCost = routedCost.plus(estimate.cost());
            opusCost = opusCost.plus(estimate.allOpus());
        }
        out.println("Estimated cost (as `kleiber plan --dry-run` estimates it): " + routedCost.text() + " as routed; "
                + opusCost.text() + " all on Opus (" + runtime.project.settings().modelFor(Tier.OPUS)
                + "). The real figures are in the cost table at the end.");
        out.println(EstimateNotes.tokenizer(estimator));
        EstimateNotes.budget(routedCost, runtime.ledger.status().remainingUsd()).ifPresent(out::println);
        out.flush();
    }

    private static String reason(Reason reason) {
        return reason.ruleId() + " (" + reason.evidence() + ")";
    }

    /** The budget guard paused the run: show the alert and the budget, then raise it as `kleiber budget raise` does. */
    private boolean budgetDecision(CliContext demo, HumanAnswers answers, Path repo) {
        screen("Budget: the guard stopped a call that would pass today's limit");
        try (Stream<Path> files = Files.list(repo.resolve("blocked/conductor"))) {
            files.filter(f -> f.getFileName().toString().startsWith("budget-")).sorted().forEach(f ->
                    out.println("alert for a person: " + repo.relativize(f) + " (and on stderr; a webhook if configured)"));
        } catch (IOException e) {
            out.println("(no budget alert file under blocked/conductor: " + e.getMessage() + ")");
        }
        out.println("$ kleiber budget");
        command(demo, "budget");
        String raise = "kleiber budget raise --to " + RAISED_BUDGET_USD.toPlainString();
        Optional<Boolean> answer = answers.ask(out, "Raise today's budget to $" + RAISED_BUDGET_USD.toPlainString()
                + " so the run can continue?");
        if (answer.isEmpty() || !answer.get()) {
            return stop(answer, repo, List.of(raise, "kleiber resume --script " + DemoProject.SCRIPT,
                    "kleiber review            (card-refunds will wait for a person)",
                    "kleiber review show card-refunds", "kleiber approve card-refunds",
                    "kleiber resume --script " + DemoProject.SCRIPT, "kleiber cost"));
        }
        // no --by: the budget records the person as the environment names them, and where that name came from
        out.println("$ " + raise);
        command(demo, "budget", "raise", "--to", RAISED_BUDGET_USD.toPlainString());
        return true;
    }

    /** Forced-review tasks wait for a person: show each one, then approve it as `kleiber approve` does. */
    private boolean reviewDecision(CliContext demo, HumanAnswers answers, Path repo, List<String> waiting) {
        for (String task : waiting) {
            screen("Review: " + task + " is forced to Opus and to a person's review");
            out.println("$ kleiber review show " + task);
            command(demo, "review", "show", task);
            Optional<Boolean> answer = answers.ask(out, "Approve " + task + " and merge it into main?");
            if (answer.isEmpty() || !answer.get()) {
                return stop(answer, repo, List.of("kleiber review show " + task, "kleiber approve " + task
                        + "   (or: kleiber reject " + task + " --feedback TEXT)", "kleiber resume --script "
                        + DemoProject.SCRIPT, "kleiber cost"));
            }
            out.println("$ kleiber approve " + task);
            command(demo, "approve", task);
        }
        return true;
    }

    /** The demo stops for a person: say why and exactly how to go on by hand. */
    private boolean stop(Optional<Boolean> answer, Path repo, List<String> commands) {
        out.println();
        out.println(answer.isEmpty()
                ? "The demo stops here: this step needs a person's decision, stdin is not a terminal to ask on, and --yes "
                + "was not given."
                : "The demo stops here, as you answered.");
        out.println("The repository stays as it is; continue by hand (the model answers stay scripted):");
        out.println("  cd " + repo);
        String kleiber = launcher();
        commands.forEach(c -> out.println("  " + kleiber + c.substring("kleiber".length())));
        out.println("or run the whole demo again without questions: " + kleiber + " demo --yes");
        out.flush();
        return false;
    }

    /** How to call Kleiber from the demo repository: the launcher beside Kleiber's jar or classes, when found. */
    static String launcher() {
        try {
            Path code = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = code.getParent(); dir != null && dir.getNameCount() > 0; dir = dir.getParent()) {
                Path candidate = dir.resolve("kleiber");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
                if (!dir.getFileName().toString().equals("target")) {
                    break;
                }
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // an unusual class path: fall back to the name on PATH
        }
        return "kleiber";
    }

    /** Runs a kleiber command in-process in the demo repository, printing what it prints; the demo stops if it fails. */
    private void command(CliContext demo, String... args) {
        out.flush();
        int code = Main.run(demo, args, out, err);
        out.flush();
        if (code != 0) {
            throw new KleiberException("`kleiber " + String.join(" ", args) + "` failed in the demo repository "
                    + demo.workingDir() + " (exit " + code + "; see above)", code);
        }
    }

    private void whereToLook(ProjectLayout layout, String runId) {
        Path root = layout.root();
        screen("Where to look");
        out.println("repository          " + root + "   (cd there; `git log --graph --oneline main`)");
        out.println("merged work         every merge into main carries Kleiber-Task and Kleiber-Attempt trailers");
        out.println("protocol files      tasks/ (task files), progress/ (started), complete/ (done), blocked/ (the "
                + "budget alert)");
        out.println("validation reports  reports/ (search-books failed once, then passed)");
        out.println("orchestration log   orchestration_log.md: one row per agent session, and the Daily Summary");
        out.println("scribe              CHANGELOG.md, PROGRESS.md, and the ADRs in docs/decisions/:");
        try (Stream<Path> adrs = Files.list(root.resolve("docs/decisions"))) {
            adrs.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".md")).sorted()
                    .forEach(name -> out.println("                      docs/decisions/" + name));
        } catch (IOException e) {
            out.println("                      (docs/decisions/ cannot be listed: " + e.getMessage() + ")");
        }
        out.println("model answers       " + DemoProject.SCRIPT + " (scripted, in the Messages API's wire format)");
        out.println("more                " + launcher() + " status --run " + runId + " (also: cost, budget, review), "
                + "run in the repository");
        out.println();
        String kleiber = launcher();
        out.println("The model answers were scripted. To run Kleiber for real on your own git repository:");
        out.println("  cd /path/to/repo && " + kleiber + " init && ANTHROPIC_API_KEY=sk-ant-... " + kleiber
                + " run \"REQUEST\"");
        out.flush();
    }
}
