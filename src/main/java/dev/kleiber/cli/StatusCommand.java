package dev.kleiber.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.MainWatch;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.CostReport;
import dev.kleiber.ledger.Usd;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.store.Event;
import dev.kleiber.store.Runs;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code kleiber status}: every task of the latest run with its state, agent, model, attempt and cost; the budget. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the latest run (or --run ID): each task's state, agent, model, attempt and cost, spend "
                + "against the daily budget, and what waits for a person."})
final class StatusCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "ID", description = "The run (default: the latest).")
    Optional<String> run = Optional.empty();

    @Option(names = "--json", description = "Print one JSON document: {run, tasks:[{id,state,agent,model,attempt,costUsd}], budget, "
            + "waitingForPerson:[{task,run,for:review|blocked|budget,how|file,question?,limit?}], main?, "
            + "waitingForWorker:{remote,queued,how}|null}.")
    boolean json;

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        try (RunSetup setup = new RunSetup(context)) {
            String runId = ReviewDesk.runId(setup.store, run);
            List<TaskRecord> tasks = setup.store.tasks().ofRun(runId);
            CostReport cost = setup.ledger.cost(Optional.empty(), Optional.of(runId));
            Map<String, BigDecimal> costs = new HashMap<>();
            cost.byTask().forEach(line -> costs.put(line.taskId(), line.costUsd()));
            BudgetStatus budget = setup.ledger.status();
            PrintWriter out = spec.commandLine().getOut();
            Optional<Event> main = setup.store.events().ofRun(runId).stream()
                    .filter(e -> e.kind().equals(MainWatch.EVENT)).reduce((first, second) -> second);
            Map<String, String> questions = BlockedDesk.questions(setup.store, runId);
            Map<String, String> heldBy = WorkersCommand.heldBy(setup.store, runId);
            Map<String, List<TaskRecord>> elsewhere = setup.store.tasks().waitingForPersonElsewhere(runId);
            Map<String, Map<String, String>> questionsElsewhere = new HashMap<>();
            elsewhere.keySet().forEach(other -> questionsElsewhere.put(other, BlockedDesk.questions(setup.store, other)));
            if (json) {
                out.println(Json.write(setup.documents().status(runId)));
                return;
            }
            out.printf("run %s (%s)%n", runId, setup.store.runs().find(runId).map(r -> r.state()).orElse("?"));
            out.printf("%-24s %-16s %-18s %-7s %7s %10s%n", "TASK", "STATE", "AGENT", "MODEL", "ATTEMPT", "COST");
            for (TaskRecord task : tasks) {
                out.printf("%-24s %-16s %-18s %-7s %7d %10s%n", task.id(), task.state().id(), task.agent(), task.tier().id(),
                        task.attempts(), Usd.fine(costs.getOrDefault(task.id(), BigDecimal.ZERO)));
            }
            heldBy.forEach((task, holder) -> out.println(task + " is held by " + holder));
            waitingForWorker(setup.store, runId).ifPresent(line -> out.println("waits for a worker: " + line));
            out.println("budget " + budget.day() + ": spent " + Usd.fine(budget.spentUsd()) + " of " + Usd.cents(budget.limitUsd())
                    + (budget.paused() ? " (PAUSED)" : "") + "; this run " + Usd.fine(cost.totalUsd()));
            WaitingWork.budget(budget).forEach(line -> out.println("waits for a person: " + line));
            printWaiting(out, tasks, "", questions);
            elsewhere.forEach((other, waitingThere) -> printWaiting(out, waitingThere, " --run " + other,
                    questionsElsewhere.get(other)));
            main.ifPresent(e -> out.println("main, last checked " + e.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + ": " + e.detail()));
        }
    }

    /** A run on a remote's workers whose ready tasks no live worker of that remote can take: what to start (ADR 0137). */
    private static Optional<String> waitingForWorker(Store store, String runId) {
        Optional<String> remote = store.runs().remoteOf(runId);
        if (remote.isEmpty() || store.runs().find(runId).map(r -> r.state().equals(Runs.CANCELLED)).orElse(true)) {
            return Optional.empty();
        }
        List<Set<String>> needs = store.tasks().readyNeeds(runId);
        if (store.workers().canTakeAny(needs, remote.get())) {
            return Optional.empty();
        }
        return Optional.of(needs.size() + " task(s) ready and no live worker of " + remote.get() + " can take them; start one: `"
                + Workers.startCommand(remote.get(), needs.getFirst()) + "`, then `kleiber resume` follows the run");
    }

    private static void printWaiting(PrintWriter out, List<TaskRecord> tasks, String runOption, Map<String, String> questions) {
        String where = runOption.isEmpty() ? "" : " in run" + runOption.substring(" --run".length());
        tasks.stream().filter(t -> t.state() == TaskState.AWAITING_REVIEW).forEach(t ->
                out.println("waits for a person: " + t.id() + where + " (`kleiber review show " + t.id() + runOption + "`)"));
        tasks.stream().filter(t -> t.state() == TaskState.BLOCKED).forEach(t ->
                out.println("blocked: " + t.id() + where + " (" + FileLocation.blockedFile(t.agent(), t.id()) + ")"
                        + (questions.containsKey(t.id()) ? "; the conductor asks a person: " + questions.get(t.id()) : "")));
    }
}
