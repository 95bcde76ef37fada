package dev.kleiber.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.MainWatch;
import dev.kleiber.conductor.RoutedTask;
import dev.kleiber.conductor.RunPlan;
import dev.kleiber.conductor.TaskProtocolTexts;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.CostReport;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.Router;
import dev.kleiber.store.Event;
import dev.kleiber.store.Runs;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Workers;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON documents about runs and tasks that {@code kleiber status --json} prints and the API serves: one builder,
 * so the terminal and the dashboard never disagree on what a run is.
 */
public final class RunDocuments {
    static final String RUNNING_EVENT = "task.running";
    /** A person approved a task in review ({@code kleiber approve} or the API): "by NAME; merged as SHA". */
    static final String APPROVED_EVENT = "person.approved";
    /** A person sent a task in review back: "by NAME". */
    static final String REJECTED_EVENT = "person.rejected";
    /** How many entries of the server's own audit trail one document carries, newest first. */
    static final int MAX_AUDIT = 200;
    private static final int MAX_REPORT_BYTES = 256 * 1024;
    /** The calls listed one by one in a task's document; a task looping for hours lists its first ones. */
    static final int MAX_CALLS = 500;

    private final Store store;
    private final Ledger ledger;
    private final ProjectConfig project;
    private final Router router;

    public RunDocuments(Store store, Ledger ledger, ProjectConfig project, Router router) {
        this.store = store;
        this.ledger = ledger;
        this.project = project;
        this.router = router;
    }

    /**
     * Every run, newest first: id, request, state, when it was created, what it has cost so far and how many tasks
     * are in each state.
     */
    public ObjectNode runs() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode array = root.putArray("runs");
        List<Runs.RunRecord> all = new ArrayList<>(store.runs().all());
        java.util.Collections.reverse(all);
        Map<String, BigDecimal> costs = ledger.costByRun();
        for (Runs.RunRecord run : all) {
            ObjectNode node = array.addObject().put("id", run.id()).put("request", run.request()).put("state", run.state())
                    .put("createdAt", run.createdAt().toString()).put("costUsd", costs.getOrDefault(run.id(), BigDecimal.ZERO));
            ObjectNode counts = node.putObject("tasks");
            store.tasks().ofRun(run.id()).forEach(t -> counts.put(t.state().id(), counts.path(t.state().id()).asInt() + 1));
        }
        return root;
    }

    /**
     * The {@code status --json} document of {@code runId}: {run, state, tasks:[{id, title, agent, tier, model, state,
     * attempt, dependsOn, costUsd, forcedReview, reasons, startedAt, heldBy:{holder, host?, pid?}|null}], budget,
     * waitingForPerson, main?, decisions:[{at, run, task, kind, detail}]} — decisions being the run's audit trail (who
     * approved, rejected, answered, raised, started).
     */
    public ObjectNode status(String runId) {
        Runs.RunRecord run = store.runs().find(runId).orElseThrow(() -> new NotFoundException("no run '" + runId + "' in the store"));
        List<TaskRecord> tasks = store.tasks().ofRun(runId);
        CostReport cost = ledger.cost(Optional.empty(), Optional.of(runId));
        Map<String, BigDecimal> costs = new HashMap<>();
        cost.byTask().forEach(line -> costs.put(line.taskId(), line.costUsd()));
        List<Event> events = store.events().ofRun(runId);
        Map<String, java.time.Instant> started = new HashMap<>();
        events.stream().filter(e -> e.kind().equals(RUNNING_EVENT)).forEach(e -> started.putIfAbsent(e.taskId(), e.at()));
        Optional<RunPlan> plan = plan(runId);
        Map<String, String> holders = store.workers().holders(runId);
        Map<String, Workers.WorkerRecord> workers = new HashMap<>();
        store.workers().live().forEach(w -> workers.put(w.holder(), w));
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("run", runId);
        root.put("state", run.state());
        root.put("request", run.request());
        ArrayNode array = root.putArray("tasks");
        for (TaskRecord task : tasks) {
            Optional<RoutedTask> routed = plan.flatMap(p -> Optional.ofNullable(p.tasks().get(task.id())));
            ObjectNode node = array.addObject();
            node.put("id", task.id());
            node.put("title", routed.map(r -> r.task().title()).orElse(task.id()));
            node.put("state", task.state().id());
            node.put("agent", task.agent());
            node.put("tier", task.tier().id());
            node.put("model", task.tier().id());
            node.put("modelId", project.settings().modelFor(task.tier()));
            node.put("attempt", task.attempts());
            ArrayNode depends = node.putArray("dependsOn");
            task.dependsOn().forEach(depends::add);
            node.put("costUsd", costs.getOrDefault(task.id(), BigDecimal.ZERO));
            node.put("forcedReview", routed.map(RoutedTask::needsReview).orElse(false));
            ArrayNode reasons = node.putArray("reasons");
            routed.ifPresent(r -> r.decision().reasons().forEach(reason -> reason(reasons.addObject(), reason)));
            if (started.containsKey(task.id())) {
                node.put("startedAt", started.get(task.id()).toString());
            } else {
                node.putNull("startedAt");
            }
            // who works on it now: a `kleiber worker` by its machine and process, else the lease's holder
            if (holders.containsKey(task.id())) {
                ObjectNode held = node.putObject("heldBy").put("holder", holders.get(task.id()));
                Optional.ofNullable(workers.get(holders.get(task.id())))
                        .ifPresent(w -> held.put("host", w.host()).put("pid", w.pid()));
            } else {
                node.putNull("heldBy");
            }
        }
        BudgetStatus budget = ledger.status();
        ObjectNode b = root.putObject("budget");
        b.put("day", budget.day().toString());
        b.put("limitUsd", budget.limitUsd());
        b.put("spentUsd", budget.spentUsd());
        b.put("reservedUsd", budget.reservedUsd());
        b.put("remainingUsd", budget.remainingUsd());
        b.put("paused", budget.paused());
        b.put("runCostUsd", cost.totalUsd());
        Optional<BigDecimal> cap = ledger.runLimit(runId);
        if (cap.isPresent()) {
            b.put("runCapUsd", cap.get());
        } else {
            b.putNull("runCapUsd");
        }
        ArrayNode waiting = root.putArray("waitingForPerson");
        Map<String, String> questions = BlockedDesk.questions(store, runId);
        tasks.forEach(task -> waiting(waiting, task, "", questions));
        store.tasks().waitingForPersonElsewhere(runId).forEach((other, waitingThere) -> {
            Map<String, String> there = BlockedDesk.questions(store, other);
            waitingThere.forEach(task -> waiting(waiting, task, " --run " + other, there));
        });
        // a budget pause holds its work until a person raises the limit or approves extra spend, in any run
        budget.pauses().forEach(pause -> waiting.addObject().put("task", pause.taskId()).put("run", pause.runId())
                .put("for", "budget").put("limit", pause.describeLimit())
                .put("how", String.join(" or ", pause.continueCommandList())));
        events.stream().filter(e -> e.kind().equals(MainWatch.EVENT)).reduce((first, second) -> second)
                .ifPresent(e -> root.putObject("main").put("checkedAt", e.at().toString())
                        .put("result", e.detail().split("[ :]", 2)[0]).put("detail", e.detail()));
        waitingForWorker(root, run);
        ArrayNode decisions = root.putArray("decisions");
        events.stream().filter(e -> isDecision(e.kind())).forEach(e -> decision(decisions.addObject(), e));
        return root;
    }

    /**
     * {@code waitingForWorker: {remote, queued, how}} when the run is on a remote's workers, has ready tasks and no live
     * worker of that remote can take one (ADR 0137): it waits for a worker, not for a person; else null.
     */
    private void waitingForWorker(ObjectNode root, Runs.RunRecord run) {
        Optional<String> remote = store.runs().remoteOf(run.id());
        List<Set<String>> needs = remote.isEmpty() || run.state().equals(Runs.CANCELLED) ? List.of()
                : store.tasks().readyNeeds(run.id());
        if (remote.isEmpty() || store.workers().canTakeAny(needs, remote.get())) {
            root.putNull("waitingForWorker");
            return;
        }
        root.putObject("waitingForWorker").put("remote", remote.get()).put("queued", needs.size())
                .put("how", Workers.startCommand(remote.get(), needs.getFirst()));
    }

    /**
     * The server's own audit trail, the decisions of no run: tokens created and revoked, the day's budget raised or
     * extra spend approved — {audit:[{at, run, task, kind, detail}]}, newest first, at most {@value #MAX_AUDIT}.
     */
    public ObjectNode audit() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode array = root.putArray("audit");
        List<Event> events = new ArrayList<>(store.events().ofRun("").stream().filter(e -> isDecision(e.kind())).toList());
        java.util.Collections.reverse(events);
        events.stream().limit(MAX_AUDIT).forEach(e -> decision(array.addObject(), e));
        return root;
    }

    /**
     * Whether an event records what a person or an API caller did, with their name (the audit trail): a decision
     * ({@code person.*}: approved, rejected, answered), an API action ({@code api.*}: a run started, cancelled or
     * continued, a review decided, a token made or revoked), a budget raise or extra spend ({@code budget.approved}).
     */
    static boolean isDecision(String kind) {
        return kind.startsWith("person.") || kind.startsWith("api.") || kind.equals("budget.approved");
    }

    private static void decision(ObjectNode node, Event e) {
        node.put("at", e.at().toString()).put("run", e.runId()).put("task", e.taskId()).put("kind", e.kind())
                .put("detail", e.detail());
    }

    /**
     * One task: its routing decision with reasons, attempts, events, cost, validation report and protocol files.
     */
    public ObjectNode task(String runId, String taskId) {
        TaskRecord task = require(runId, taskId);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("run", runId).put("id", taskId).put("agent", task.agent()).put("state", task.state().id())
                .put("tier", task.tier().id()).put("attempts", task.attempts());
        ArrayNode depends = root.putArray("dependsOn");
        task.dependsOn().forEach(depends::add);
        plan(runId).flatMap(p -> Optional.ofNullable(p.tasks().get(taskId))).ifPresent(routed -> {
            root.put("title", routed.task().title());
            root.put("description", routed.task().description());
            ObjectNode routing = root.putObject("routing");
            routing.put("tier", routed.decision().tier().id()).put("humanReview", routed.decision().humanReview())
                    .put("roleDefault", routed.decision().roleDefault().id()).put("floor", routed.decision().floor().id());
            ArrayNode reasons = routing.putArray("reasons");
            routed.decision().reasons().forEach(reason -> reason(reasons.addObject(), reason));
            root.put("branch", routed.branch());
        });
        CostReport cost = ledger.cost(Optional.empty(), Optional.of(runId));
        BigDecimal taskCost = BigDecimal.ZERO;
        long calls = 0;
        for (CostReport.TaskLine line : cost.byTask()) {
            if (line.taskId().equals(taskId)) {
                taskCost = taskCost.add(line.costUsd());
                calls += line.calls();
            }
        }
        ObjectNode costNode = root.putObject("cost").put("costUsd", taskCost).put("calls", calls);
        ArrayNode byCall = costNode.putArray("byCall");
        ledger.calls(runId, taskId, MAX_CALLS).forEach(call -> {
            ObjectNode node = byCall.addObject().put("at", call.at().toString()).put("attempt", call.attempt())
                    .put("agent", call.agent()).put("tier", call.tier()).put("model", call.modelId());
            LedgerDocuments.tokens(node, call.tokens());
            node.put("costUsd", call.costUsd()).put("outcome", call.outcome());
        });
        costNode.put("byCallCut", calls > MAX_CALLS);
        ArrayNode events = root.putArray("events");
        store.events().ofTask(runId, taskId).forEach(e -> events.addObject().put("seq", e.seq()).put("at", e.at().toString())
                .put("kind", e.kind()).put("detail", e.detail()));
        ProjectLayout layout = project.layout();
        TaskProtocolTexts protocol = new TaskProtocolTexts(layout.root());
        Optional<TaskProtocolTexts.File> report = protocol.readOne("reports", taskId + "-validation.md", MAX_REPORT_BYTES);
        if (report.isPresent()) {
            root.put("validationReport", report.get().text() + (report.get().truncated() ? "\n(cut)" : ""));
        } else {
            root.putNull("validationReport");
        }
        ArrayNode files = root.putArray("protocolFiles");
        ArrayNode texts = root.putArray("protocolTexts");
        protocol.read(taskId).forEach(file -> {
            files.add(file.path());
            texts.addObject().put("path", file.path()).put("folder", file.folder()).put("text", file.text())
                    .put("sizeBytes", file.sizeBytes()).put("truncated", file.truncated());
        });
        return root;
    }

    TaskRecord require(String runId, String taskId) {
        store.runs().find(runId).orElseThrow(() -> new NotFoundException("no run '" + runId + "' in the store"));
        return store.tasks().find(runId, taskId)
                .orElseThrow(() -> new NotFoundException("no task '" + taskId + "' in run '" + runId + "'"));
    }

    private Optional<RunPlan> plan(String runId) {
        boolean recorded = store.events().ofRun(runId).stream().anyMatch(e -> e.kind().equals(RunPlan.PLAN_EVENT));
        return recorded ? Optional.of(RunPlan.load(store, runId, project.knownRoles(), router)) : Optional.empty();
    }

    private static void reason(ObjectNode node, Reason reason) {
        node.put("rule", reason.ruleId()).put("evidence", reason.evidence());
    }

    /** {@code runOption} is empty for the run shown, else {@code " --run ID"}: what waits in an earlier run says so. */
    private static void waiting(ArrayNode waiting, TaskRecord task, String runOption, Map<String, String> questions) {
        if (task.state() == TaskState.AWAITING_REVIEW) {
            waiting.addObject().put("task", task.id()).put("run", task.runId()).put("for", "review")
                    .put("how", "kleiber review show " + task.id() + runOption);
        } else if (task.state() == TaskState.BLOCKED) {
            ObjectNode node = waiting.addObject().put("task", task.id()).put("run", task.runId()).put("for", "blocked")
                    .put("file", FileLocation.blockedFile(task.agent(), task.id()));
            if (questions.containsKey(task.id())) {
                node.put("question", questions.get(task.id()));
            }
        }
    }
}
