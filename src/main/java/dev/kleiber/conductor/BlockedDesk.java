package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.config.AgentDefinition;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.ledger.Session;
import dev.kleiber.llm.ApiSettingsException;
import dev.kleiber.llm.ContentBlock;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.llm.LlmRequest;
import dev.kleiber.llm.LlmResponse;
import dev.kleiber.llm.Message;
import dev.kleiber.llm.ToolDefinition;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.TaskGraph;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.FileText;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.Section;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where blocked work reaches the conductor. A blocked file the conductor has not answered — an agent's
 * {@code report_blocked}, a merge conflict, a task that failed its retries, or one a person wrote into
 * {@code blocked/{agent}/{task-id}-conflict.md} for a task of the run — gets one answer: a re-plan or an
 * escalation from the conductor model (Opus, through the {@code answer_blocked} tool), a resolution task for a
 * merge conflict, or a question for a person. The answer is recorded in the store, the log and, as an
 * {@code ## Answer From Conductor} section (which the protocol keeps as an extra section), in the blocked file
 * itself: a file with that section is answered; a person answers the conductor's question by rewriting the file.
 */
public final class BlockedDesk {
    static final String ANSWER_HEADING = "Answer From Conductor";
    private static final int MAX_INVALID_ANSWERS = 2;
    private static final int FILE_EXCERPT_CHARS = 6000;

    /** A blocked file waiting for the conductor's answer. */
    record Pending(String taskId, String agent, Path file, BlockedFile blocked, String text) {
    }

    private final Store store;
    private final Ledger ledger;
    private final LlmClient client;
    private final Workspace workspace;
    private final ProjectConfig project;
    private final Router router;
    private final Clock clock;
    private final RunListener listener;
    private final OrchestrationLog log;
    private final ProtocolParser parser;
    private final AnswerBlockedTool tool;
    private final Set<String> reportedInvalid = new HashSet<>();

    BlockedDesk(Store store, Ledger ledger, LlmClient client, Workspace workspace, ProjectConfig project, Router router,
                Clock clock, RunListener listener, OrchestrationLog log) {
        this.store = store;
        this.ledger = ledger;
        this.client = client;
        this.workspace = workspace;
        this.project = project;
        this.router = router;
        this.clock = clock;
        this.listener = listener;
        this.log = log;
        this.parser = new ProtocolParser(project.knownRoles());
        this.tool = new AnswerBlockedTool(project.knownRoles());
    }

    /** What {@code kleiber answer} (and the API's answer) records: a person answered the conductor's question. */
    public static final String PERSON_ANSWERED_EVENT = "person.answered";

    /**
     * Who answered the conductor's open question, per blocked task of {@code runId} a person answered since it was
     * asked: {@code kleiber review} then says to resume rather than to answer again.
     */
    public static Map<String, String> answeredBy(Store store, String runId) {
        Map<String, String> answered = new LinkedHashMap<>();
        for (var event : store.events().ofRun(runId)) {
            if (event.kind().equals(Triage.ANSWER_EVENT)) {
                answered.remove(event.taskId());
            } else if (event.kind().equals(PERSON_ANSWERED_EVENT)) {
                answered.put(event.taskId(), event.detail().replaceFirst("^by ", ""));
            }
        }
        answered.keySet().retainAll(questions(store, runId).keySet());
        return answered;
    }

    /** The question the conductor left for a person, per blocked task of {@code runId}. */
    public static Map<String, String> questions(Store store, String runId) {
        var events = store.events().ofRun(runId);
        Map<String, String> questions = new LinkedHashMap<>();
        for (TaskRecord task : store.tasks().ofRun(runId)) {
            if (task.state() == TaskState.BLOCKED) {
                Triage.openQuestion(task.id(), events).ifPresent(q -> questions.put(task.id(), q));
            }
        }
        return questions;
    }

    /**
     * The unanswered blocked files of {@code runId}'s tasks that are not {@code busy}, written since the run
     * began; a planned or queued task with one becomes blocked here. Called holding the conductor's lock.
     */
    List<Pending> collect(String runId, Set<String> busy) {
        Instant since = store.runs().find(runId).map(r -> r.createdAt()).orElse(Instant.EPOCH).truncatedTo(ChronoUnit.SECONDS);
        List<Pending> pending = new ArrayList<>();
        for (TaskRecord task : store.tasks().ofRun(runId)) {
            boolean waiting = task.state() == TaskState.PLANNED || task.state() == TaskState.QUEUED;
            if (busy.contains(task.id()) || !(waiting || task.state() == TaskState.BLOCKED)) {
                continue;
            }
            Path file = fileOf(task.agent(), task.id());
            Optional<Pending> found = read(task, file).filter(p -> !p.blocked().blockedSince().toInstant().isBefore(since));
            if (found.isEmpty()) {
                continue;
            }
            if (waiting) {
                try {
                    store.tasks().transition(runId, task.id(), TaskState.BLOCKED, "a blocked file reached the conductor ("
                            + found.get().blocked().type().id() + "): " + firstLine(found.get().blocked().problem()));
                } catch (RuntimeException e) {
                    // another process's worker claimed it meanwhile: its file waits until the task rests again
                    continue;
                }
                listener.on(new RunEvent.TaskBlocked(runId, task.id(), found.get().blocked().type(),
                        found.get().blocked().problem(), RunEvent.BlockedBy.FILE));
            }
            pending.add(found.get());
        }
        return pending;
    }

    private Optional<Pending> read(TaskRecord task, Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        FileLocation location = new FileLocation(Kind.BLOCKED, task.agent(), task.id());
        try {
            FileText.Decoded decoded = ProtocolFiles.read(file);
            if (decoded instanceof FileText.Decoded.Refused refused) {
                // a binary or oversized file cannot be answered, but its writer must hear why it is not
                if (reportedInvalid.add(file + "\u0000" + refused.problem().message())) {
                    listener.on(new RunEvent.BlockedFileIgnored(task.runId(), task.id(), relative(file),
                            refused.problem().message()));
                }
                return Optional.empty();
            }
            if (!(decoded instanceof FileText.Decoded.Text text)) {
                return Optional.empty();
            }
            return switch (parser.parse(text.text(), location)) {
                case ParseResult.Parsed parsed when parsed.document() instanceof BlockedFile blocked -> answered(blocked)
                        ? Optional.empty() : Optional.of(new Pending(task.id(), task.agent(), file, blocked, text.text()));
                case ParseResult.Parsed parsed -> Optional.empty();
                case ParseResult.Rejected rejected -> {
                    if (reportedInvalid.add(file + "\u0000" + text.text().hashCode())) {
                        listener.on(new RunEvent.BlockedFileIgnored(task.runId(), task.id(), relative(file),
                                rejected.problems().getFirst().toString()));
                    }
                    yield Optional.empty();
                }
            };
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean answered(BlockedFile blocked) {
        return blocked.extraSections().stream().anyMatch(s -> s.heading().equalsIgnoreCase(ANSWER_HEADING));
    }

    /**
     * The answer to {@code pending}: the conductor model's, unless the rules give it (a merge conflict's
     * resolution, or a person once the conductor has answered enough). Called without the lock: it may call the model.
     *
     * @throws BudgetExceededException when the budget stops the conductor's call; the file stays unanswered
     */
    BlockedAnswer decide(String runId, Pending pending, RunPlan plan) {
        TaskRecord record = store.tasks().find(runId, pending.taskId()).orElseThrow();
        RoutedTask task = plan.task(pending.taskId());
        Triage.Route route = Triage.route(pending.blocked().type(), pending.taskId(), store.events().ofRun(runId));
        if (route == Triage.Route.RESOLUTION && !workspace.hasBranch(task)) {
            // a person's merge_conflict file for a task with no work yet: nothing for a resolution to land
            route = Triage.Route.CONDUCTOR;
        }
        return switch (route) {
            case PERSON -> new BlockedAnswer.AskHuman("the conductor has answered it " + Triage.MAX_ANSWERS
                    + " times and it blocked again", pending.taskId() + " is still blocked (" + pending.blocked().type().id()
                    + "): " + firstLine(pending.blocked().problem()) + " It needs: " + firstLine(pending.blocked().needFromConductor()));
            case RESOLUTION -> resolution(task, plan, record);
            case CONDUCTOR -> {
                try {
                    yield ask(runId, pending, plan, record);
                } catch (BudgetExceededException | ApiSettingsException e) {
                    // the conductor was not asked: the file stays unanswered until the budget or the key allows
                    throw e;
                } catch (RuntimeException e) {
                    String why = e.getMessage() == null ? e.toString() : e.getMessage();
                    yield new BlockedAnswer.AskHuman("the conductor could not answer: " + why, pending.taskId()
                            + " is blocked (" + pending.blocked().type().id() + "): " + firstLine(pending.blocked().problem())
                            + " It needs: " + firstLine(pending.blocked().needFromConductor()));
                }
            }
        };
    }

    /** One conversation with the conductor model, bounded; an answer that stays invalid becomes a question for a person. */
    private BlockedAnswer ask(String runId, Pending pending, RunPlan plan, TaskRecord record) {
        String model = project.settings().modelFor(Tier.OPUS);
        String prompt = project.agentOrBlueprint(Roles.CONDUCTOR).map(AgentDefinition::prompt).orElse("You are the CONDUCTOR.");
        List<ToolDefinition> tools = List.of(ToolDefinition.of(AnswerBlockedTool.NAME, AnswerBlockedTool.DESCRIPTION,
                tool.inputSchema()));
        List<Message> conversation = new ArrayList<>(List.of(Message.user(brief(runId, pending, plan, record))));
        CallContext context = new CallContext(runId, pending.taskId(), 0, Roles.CONDUCTOR, Tier.OPUS);
        Optional<Session> before = ledger.session(runId, pending.taskId(), 0);
        try {
            for (int invalid = 0; ; ) {
                LlmResponse response = client.send(context, LlmRequest.of(model, List.of(ContentBlock.Text.of(prompt.strip()
                        + "\n\n" + RULES)), tools, conversation, project.settings().agent().maxOutputTokens()));
                conversation.add(response.asAssistantMessage());
                Optional<ContentBlock.ToolUse> call = response.toolUses().stream()
                        .filter(use -> use.name().equals(AnswerBlockedTool.NAME)).findFirst();
                List<String> problems = call.isEmpty() ? List.of("Call " + AnswerBlockedTool.NAME + " with your answer.")
                        : List.of();
                if (call.isPresent()) {
                    AnswerBlockedTool.Parsed parsed = tool.parse(call.get().input(), plan.plan(), pending.taskId(), record.tier());
                    if (parsed.answer().isPresent()) {
                        return parsed.answer().get();
                    }
                    problems = parsed.problems();
                }
                if (++invalid > MAX_INVALID_ANSWERS) {
                    return new BlockedAnswer.AskHuman("the conductor's answer stayed invalid: " + String.join("; ", problems),
                            pending.taskId() + " is blocked (" + pending.blocked().type().id() + "): "
                                    + firstLine(pending.blocked().problem()) + " It needs: "
                                    + firstLine(pending.blocked().needFromConductor()));
                }
                conversation.add(Message.user(reply(response, "The answer is invalid: " + String.join("; ", problems)
                        + ". Fix it and call " + AnswerBlockedTool.NAME + " again.")));
            }
        } finally {
            logSession(runId, pending.taskId(), before);
        }
    }

    private String brief(String runId, Pending pending, RunPlan plan, TaskRecord record) {
        StringBuilder text = new StringBuilder();
        text.append("Task ").append(pending.taskId()).append(" of run ").append(runId).append(" is blocked; its blocked file ")
                .append(relative(pending.file())).append(" reaches you:\n\n")
                .append(clip(pending.text())).append("\n\nThe task as planned (it runs on ").append(record.tier().id())
                .append(", after ").append(record.attempts()).append(" attempt").append(record.attempts() == 1 ? "" : "s")
                .append("):\n").append(new PlanFileWriter().write(new Plan(List.of(plan.task(pending.taskId()).task()))))
                .append("\nThe run's tasks:\n");
        Map<String, TaskState> states = new LinkedHashMap<>();
        store.tasks().ofRun(runId).forEach(t -> states.put(t.id(), t.state()));
        for (PlannedTask task : plan.plan().tasks()) {
            text.append("- ").append(task.id()).append(" (").append(task.agent()).append(", ")
                    .append(Optional.ofNullable(states.get(task.id())).map(TaskState::id).orElse("?")).append("): ")
                    .append(task.title()).append('\n');
        }
        return text.append("\nAnswer with ").append(AnswerBlockedTool.NAME).append('.').toString();
    }

    private static List<ContentBlock> reply(LlmResponse turn, String text) {
        List<ContentBlock> blocks = new ArrayList<>();
        turn.toolUses().forEach(use -> blocks.add(ContentBlock.ToolResult.error(use.id(), text)));
        if (blocks.isEmpty()) {
            blocks.add(ContentBlock.Text.of(text));
        }
        return blocks;
    }

    /** The conductor's answers to a task are billed to it as attempt 0; one log row per answer, the new calls only. */
    private void logSession(String runId, String taskId, Optional<Session> before) {
        ledger.session(runId, taskId, 0).ifPresent(after -> {
            long input = after.tokens().totalInput() - before.map(b -> b.tokens().totalInput()).orElse(0L);
            long output = after.tokens().output() - before.map(b -> b.tokens().output()).orElse(0L);
            if (after.calls() == before.map(Session::calls).orElse(0L)) {
                return;
            }
            synchronized (log) {
                log.appendSessions(List.of(new OrchestrationLog.Row(after.endedAt(), Roles.CONDUCTOR, taskId, Tier.OPUS,
                        Optional.empty(), input, output, after.costUsd().subtract(before.map(Session::costUsd)
                        .orElse(java.math.BigDecimal.ZERO)))));
            }
        });
    }

    /**
     * Carries out {@code answer}; returns the run's plan when it changed. Called holding the conductor's lock, so
     * no worker claims the task half-answered. A task no longer blocked (a person moved it) is left alone.
     */
    Optional<RunPlan> apply(String runId, Pending pending, BlockedAnswer answer) {
        TaskRecord record = store.tasks().find(runId, pending.taskId()).orElseThrow();
        if (record.state() != TaskState.BLOCKED) {
            return Optional.empty();
        }
        RunPlan current = RunPlan.load(store, runId, project.knownRoles(), router);
        RoutedTask task = current.task(pending.taskId());
        return switch (answer) {
            case BlockedAnswer.AskHuman ask -> {
                record(runId, pending, answer, ask.question(), "Asked a person: " + ask.question() + "\n\nWhy: "
                        + ask.reason() + "\n\nTo answer, rewrite this file (say what the task needs under Need From "
                        + "Conductor) without this section, then run `kleiber resume`: the conductor answers it again.");
                listener.on(new RunEvent.AskedPerson(runId, task.id(), ask.question()));
                yield Optional.empty();
            }
            case BlockedAnswer.Escalate escalate -> {
                store.tasks().changeTier(runId, task.id(), Tier.OPUS, "escalated by the conductor: " + escalate.reason());
                store.events().append(runId, task.id(), Conductor.FEEDBACK_EVENT, "The conductor answered the blocked file ("
                        + pending.blocked().type().id() + ": " + firstLine(pending.blocked().problem())
                        + ") by restarting the task on opus. What was learnt so far:\n" + escalate.learnt());
                record(runId, pending, answer, "escalated from " + record.tier().id() + " to opus",
                        "Escalated from " + record.tier().id() + " to opus: " + escalate.reason() + "\n\nWhat was learnt: "
                                + escalate.learnt());
                store.tasks().transition(runId, task.id(), TaskState.QUEUED, "escalated to opus by the conductor");
                listener.on(new RunEvent.EscalatedByConductor(runId, task.id(), escalate.reason()));
                yield Optional.empty();
            }
            case BlockedAnswer.Replan replan -> replan(runId, pending, current, record, replan);
            case BlockedAnswer.Resolve resolve -> resolve(runId, pending, current, record, resolve);
        };
    }

    private Optional<RunPlan> replan(String runId, Pending pending, RunPlan current, TaskRecord record,
                                     BlockedAnswer.Replan replan) {
        String id = pending.taskId();
        List<PlannedTask> tasks = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (PlannedTask task : current.plan().tasks()) {
            known.add(task.id());
            tasks.add(task.id().equals(id) ? replan.plan().task(id).orElseThrow() : task);
        }
        List<String> clashes = replan.added().stream().filter(known::contains).toList();
        if (!clashes.isEmpty()) {
            // another answer added these ids since this one was decided
            return apply(runId, pending, new BlockedAnswer.AskHuman("the re-plan clashed with the run's plan (task ids "
                    + String.join(", ", clashes) + " exist)", id + " is blocked: " + firstLine(pending.blocked().problem())));
        }
        replan.added().forEach(added -> tasks.add(replan.plan().task(added).orElseThrow()));
        Plan revised = new Plan(tasks);
        TaskGraph.of(revised); // fails fast on a cycle, which the tool's check against the older plan cannot see
        RunPlan routed = RunPlan.route(runId, revised, router);
        RoutedTask before = current.task(id);
        RoutedTask after = routed.task(id);
        if (before.needsReview() && !after.needsReview()) {
            return apply(runId, pending, new BlockedAnswer.AskHuman("the re-plan would drop the human review "
                    + id + " requires", id + " is blocked: " + firstLine(pending.blocked().problem())));
        }
        String what = (replan.revised() ? "revised the task" : "kept the task")
                + (replan.added().isEmpty() ? "" : "; added " + String.join(", ", replan.added()) + ", which it now waits for");
        extend(runId, routed, replan.added(), Map.of(id, replan.added()));
        boolean restarts = !replan.added().isEmpty() && workspace.hasBranch(before);
        if (restarts) {
            // an existing branch would hide the new dependencies' work: the next attempt branches from main anew
            workspace.dropBranch(before);
        }
        if (after.tier().compareTo(record.tier()) > 0) {
            store.tasks().changeTier(runId, id, after.tier(), "re-planned: the revised task routes to " + after.tier().id());
        }
        store.events().append(runId, id, Conductor.FEEDBACK_EVENT, "The conductor answered the blocked file ("
                + pending.blocked().type().id() + ": " + firstLine(pending.blocked().problem()) + ") by re-planning: "
                + replan.reason() + " It " + what + "."
                + (replan.added().isEmpty() ? "" : " Their work is merged into main before this attempt starts"
                + (restarts ? ", and this attempt starts from main again (the blocked attempt's branch was dropped)." : ".")));
        record(runId, pending, replan, what + ": " + replan.reason(), "Re-planned: " + replan.reason() + "\n\nThe conductor "
                + what + "; the task is queued again.");
        store.tasks().transition(runId, id, TaskState.QUEUED, "re-planned by the conductor");
        listener.on(new RunEvent.Replanned(runId, id, what, replan.reason()));
        for (String added : replan.added()) {
            listener.on(Conductor.planned(runId, routed.task(added), Optional.of(id)));
        }
        return Optional.of(routed);
    }

    /**
     * The git half of a merge conflict's answer, done before the answer is applied (without the conductor's lock):
     * the resolution task's branch from the current main with the task's branch merged in, conflicts committed.
     */
    private BlockedAnswer.Resolve resolution(RoutedTask original, RunPlan current, TaskRecord record) {
        String id = Triage.resolutionId(original.id(), current.plan());
        Plan draft = Triage.withResolution(current.plan(), original.task(), id, original.branch(), List.of(), record.tier());
        String branch = draft.task(id).orElseThrow().featureBranch();
        List<String> files = workspace.branchWithConflicts(id, branch, original);
        return new BlockedAnswer.Resolve("merging " + original.branch() + " into main conflicts", id, branch, files);
    }

    /**
     * A merge conflict's answer: a branch from the current main with the task's branch merged in, conflicts
     * committed as they are, and a resolution task for the task's agent to resolve them there. The task waits
     * for the resolution; once that merges, the task's own commits are on main and it closes as merged.
     */
    private Optional<RunPlan> resolve(String runId, Pending pending, RunPlan current, TaskRecord record,
                                      BlockedAnswer.Resolve resolve) {
        RoutedTask original = current.task(pending.taskId());
        String id = resolve.taskId();
        String branch = resolve.branch();
        List<String> files = resolve.files();
        Plan plan = Triage.withResolution(current.plan(), original.task(), id, original.branch(), files, record.tier());
        RunPlan routed = RunPlan.route(runId, plan, router);
        extend(runId, routed, List.of(id), Map.of(original.id(), List.of(id)));
        String conflicts = files.isEmpty() ? "no file any more" : String.join(", ", files);
        record(runId, pending, resolve, "resolution task " + id + " lands the work (conflicts in " + conflicts + ")",
                "Merge conflict in " + conflicts + ": resolution task " + id + " (" + original.agent() + ", branch " + branch
                        + ", from the current main with " + original.branch() + " merged in) resolves it; "
                        + original.id() + " closes as merged when " + id + " merges.");
        store.tasks().transition(runId, original.id(), TaskState.QUEUED, "waits for its resolution task " + id);
        listener.on(new RunEvent.ResolutionPlanned(runId, original.id(), files, id, original.agent(), routed.task(id).tier()));
        return Optional.of(routed);
    }

    private void extend(String runId, RunPlan routed, List<String> added, Map<String, List<String>> dependencies) {
        List<Tasks.NewTask> tasks = added.stream().map(id -> {
            RoutedTask task = routed.task(id);
            return new Tasks.NewTask(id, task.agent(), task.tier(), task.task().dependsOn());
        }).toList();
        store.tasks().extend(runId, tasks, dependencies, RunPlan.PLAN_EVENT, new PlanFileWriter().write(routed.plan()));
    }

    /** The answer in the store and, as its own section, in the blocked file. */
    private void record(String runId, Pending pending, BlockedAnswer answer, String what, String section) {
        store.events().append(runId, pending.taskId(), Triage.ANSWER_EVENT, Triage.eventDetail(answer,
                answer instanceof BlockedAnswer.AskHuman ask ? ask.question() : what));
        String body = now() + " — " + section;
        try {
            if (ProtocolFiles.read(pending.file()) instanceof FileText.Decoded.Text text
                    && parser.parse(text.text(), new FileLocation(Kind.BLOCKED, pending.agent(), pending.taskId()))
                    instanceof ParseResult.Parsed parsed && parsed.document() instanceof BlockedFile blocked && !answered(blocked)) {
                List<Section> sections = new ArrayList<>(blocked.extraSections());
                sections.add(new Section(ANSWER_HEADING, escape(body)));
                ProtocolFiles.write(project.layout().root(), new BlockedFile(blocked.id(), blocked.agent(),
                        blocked.blockedSince(), blocked.type(), blocked.problem(), blocked.attemptedSolutions(),
                        blocked.needFromConductor(), blocked.extraFields(), sections));
            }
        } catch (IOException e) {
            throw KleiberException.failed("cannot write the conductor's answer into " + relative(pending.file()) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Markdown that would end the section or open a block is written as text. */
    private static String escape(String text) {
        return text.replaceAll("(?m)^(\\s*)(#|```|~~~)", "$1\\\\$2");
    }

    private Path fileOf(String agent, String taskId) {
        return project.layout().root().resolve(new FileLocation(Kind.BLOCKED, agent, taskId).relativePath());
    }

    String relative(Path file) {
        return project.layout().root().relativize(file).toString();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String clip(String text) {
        return text.length() <= FILE_EXCERPT_CHARS ? text : text.substring(0, FILE_EXCERPT_CHARS) + "\n[...]";
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    private static final String RULES = """
            ## Answering blocked work
            A task of the run is blocked. Read its blocked file and answer with answer_blocked:
            - replan when you can clear the block yourself: rewrite the task's description or acceptance criteria \
            (revised_task), and/or add the tasks it needs first (new_tasks, e.g. a missing dependency); the task \
            then waits for those and goes back to the queue. New tasks are routed by the policy like every task.
            - escalate when the task needs deeper reasoning than its model gave it; say in 'learnt' what the \
            attempts found out, for the stronger model.
            - ask_human when only a person can decide (a product choice, a credential, a missing document); ask \
            one precise question.
            """;
}
