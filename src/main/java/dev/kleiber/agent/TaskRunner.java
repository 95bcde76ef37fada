package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import dev.kleiber.config.ChangeLimits;
import dev.kleiber.config.LayoutSettings;
import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.CheckItem;
import dev.kleiber.protocol.CompleteFile;
import dev.kleiber.protocol.FileChange;
import dev.kleiber.protocol.ModelText;
import dev.kleiber.protocol.ProtocolDocument;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolRenderer;
import dev.kleiber.protocol.StartedFile;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.protocol.Tokens;
import dev.kleiber.routing.Tier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one task's agent once, as Kleiber's runtime: writes the started file when the work starts (its approach
 * "not stated" until the agent states one, then completed with it), runs the session in the task's worktree,
 * commits whatever the agent changed with the {@code Kleiber-Task} and {@code Kleiber-Attempt} trailers, and
 * writes the done file (files changed from the actual git diff of every attempt's work) or the blocked file. Protocol files go to the repository root, where people and the
 * watcher see them; agents never write them themselves.
 */
public final class TaskRunner {
    private static final Pattern PATH_IN_TEXT = Pattern.compile("(?<![\\w/.-])((?:[\\w.-]+/)+[\\w.-]+\\.[A-Za-z0-9]+)");
    /** The started file's approach until the agent states one. */
    static final String NOT_STATED = "not stated";
    /** The most changed paths a refused commit names: enough to act on, bounded for the blocked file and the model. */
    static final int MAX_REFUSED_PATHS = 20;
    private static final Pattern TEST_FILE = Pattern.compile("(^|/)(tests?|__tests__|e2e)/|\\.(test|spec)\\.[a-z]+$");

    private final SessionLimits limits;
    private final CommandSandbox.Settings sandbox;
    private final Map<String, String> parentEnv;
    private final Clock clock;
    private final ChangeGate gate;
    private final SessionEngine engine;
    private final String mainBranch;

    public TaskRunner(LlmClient client, SessionLimits limits, CommandSandbox.Settings sandbox,
                      Map<String, String> parentEnv, Clock clock) {
        this(client, limits, sandbox, parentEnv, clock, ChangeLimits.DEFAULT);
    }

    public TaskRunner(LlmClient client, SessionLimits limits, CommandSandbox.Settings sandbox,
                      Map<String, String> parentEnv, Clock clock, ChangeLimits changeLimits) {
        this(client, limits, sandbox, parentEnv, clock, changeLimits, LayoutSettings.DEFAULT_MAIN_BRANCH);
    }

    /** {@code mainBranch}: the branch tasks start from and merge into ({@code layout.main_branch}). */
    public TaskRunner(LlmClient client, SessionLimits limits, CommandSandbox.Settings sandbox,
                      Map<String, String> parentEnv, Clock clock, ChangeLimits changeLimits, String mainBranch) {
        this.mainBranch = mainBranch;
        this.limits = limits;
        this.sandbox = sandbox;
        this.parentEnv = Map.copyOf(parentEnv);
        this.clock = clock;
        this.gate = new ChangeGate(changeLimits);
        this.engine = (setup, worktree, permissions, listener) -> new AgentSession(client, limits).run(setup, listener);
    }

    /** A runner whose sessions {@code engine} runs (an outside agent CLI) instead of Kleiber's own loop. */
    public TaskRunner(SessionEngine engine, SessionLimits limits, CommandSandbox.Settings sandbox,
                      Map<String, String> parentEnv, Clock clock, ChangeLimits changeLimits) {
        this(engine, limits, sandbox, parentEnv, clock, changeLimits, LayoutSettings.DEFAULT_MAIN_BRANCH);
    }

    /** As above, with {@code mainBranch} the branch tasks start from and merge into. */
    public TaskRunner(SessionEngine engine, SessionLimits limits, CommandSandbox.Settings sandbox,
                      Map<String, String> parentEnv, Clock clock, ChangeLimits changeLimits, String mainBranch) {
        this.mainBranch = mainBranch;
        this.limits = limits;
        this.sandbox = sandbox;
        this.parentEnv = Map.copyOf(parentEnv);
        this.clock = clock;
        this.gate = new ChangeGate(changeLimits);
        this.engine = engine;
    }

    /** Where the task runs and whom it bills. */
    public record Assignment(TaskFile task, RoleSpec role, Tier tier, String modelId, String runId, int attempt,
                             Path repositoryRoot, Path worktree, GitRepository git) {
    }

    public TaskRun run(Assignment assignment, AgentSession.Listener outer, ToolEvents events) {
        TaskFile task = assignment.task();
        String base = taskBase(assignment.git(), task.id());
        List<String> refusals = new ArrayList<>();
        ToolEvents recording = event -> {
            if (event instanceof ToolEvent.Refused refused) {
                refusals.add(refused.tool() + ": " + refused.reason());
            }
            events.record(event);
        };
        ToolExecutor executor = ToolExecutor.open(assignment.worktree(), assignment.role().permissions(), parentEnv,
                sandbox, recording);
        List<ToolCatalogue.ToolSpec> tools = ToolCatalogue.forRole(assignment.role().permissions(), sandbox);
        CallContext context = new CallContext(assignment.runId(), task.id(), assignment.attempt(), task.agent(),
                assignment.tier());
        AgentSession.Setup setup = new AgentSession.Setup(context, assignment.modelId(),
                SystemPrompt.of(assignment.role(), sandbox), tools, firstMessage(task), executor);

        // the work starts now, whatever the first turn holds: a first answer of tool calls only states no approach
        OffsetDateTime started = now();
        writeStarted(assignment, started, NOT_STATED);
        AgentSession.Listener listener = new AgentSession.Listener() {
            @Override
            public void onApproach(String approach) {
                writeStarted(assignment, started, approach);
                outer.onApproach(approach);
            }

            @Override
            public void onToolCall(String tool, com.fasterxml.jackson.databind.JsonNode input, ToolResult result) {
                outer.onToolCall(tool, input, result);
            }

            @Override
            public dev.kleiber.llm.StreamListener stream() {
                return outer.stream();
            }

            @Override
            public void onCompacted(SessionCompaction compaction) {
                outer.onCompacted(compaction);
            }

            @Override
            public void onAnswered() {
                outer.onAnswered();
            }
        };
        SessionReport session = engine.run(setup, assignment.worktree(), assignment.role().permissions(), listener);

        Optional<String> commit = Optional.empty();
        List<String> refusedChange;
        try {
            List<String> pending = assignment.git().pendingPaths(assignment.worktree());
            refusedChange = new ArrayList<>(gate.problems(assignment.worktree(), pending));
            // the tools already refuse such writes; a command's or an outside agent's are judged on the real diff
            refusedChange.addAll(new PathGuard(assignment.worktree(), assignment.role().permissions())
                    .refusedChanges(pending, MAX_REFUSED_PATHS));
            if (refusedChange.isEmpty()) {
                commit = assignment.git().commitAll(assignment.worktree(), commitMessage(assignment, session));
            }
        } catch (KleiberException e) {
            refusedChange = List.of("git refused to commit it: " + e.getMessage());
        }
        SessionReport report = refusedChange.isEmpty() ? session : uncommitted(session, refusedChange);
        refusedChange.forEach(reason -> recording.record(new ToolEvent.Refused("commit", reason, "the task's change")));
        // the task's whole work, not this attempt's alone: a re-run that changes nothing keeps its Files Changed
        String head = commit.orElseGet(() -> assignment.git().commitOf("HEAD"));
        List<FileChange> changes = head.equals(base) ? List.of()
                : assignment.git().changes(base, head).stream().map(TaskRunner::toProtocol).toList();
        Optional<Path> written = switch (report.outcome()) {
            case SessionOutcome.Completed done -> Optional.of(write(assignment.repositoryRoot(), new CompleteFile(
                    task.id(), task.agent(), now(), assignment.tier(), tokens(report.usage()), ModelText.block(done.summary()),
                    changes, testsAdded(changes), ModelText.items(done.decisions()),
                    List.of(new CheckItem("Tests pass locally", false), new CheckItem("No linting errors", false),
                            new CheckItem("Documentation updated", false)), List.of(), List.of())));
            case SessionOutcome.Blocked blocked -> Optional.of(write(assignment.repositoryRoot(), new BlockedFile(
                    task.id(), task.agent(), now(), blocked.type(), ModelText.block(blocked.problem()),
                    ModelText.items(blocked.attempted()), ModelText.block(blocked.need()),
                    List.of(), List.of())));
            case SessionOutcome.Escalated ignored -> Optional.empty();
            case SessionOutcome.Failed ignored -> Optional.empty();
        };
        return new TaskRun(task.id(), task.agent(), assignment.attempt(), assignment.tier(), assignment.modelId(),
                report, refusals, commit, changes, written);
    }

    /**
     * The session's report when its change could not be committed: blocked, whatever the agent said, so that a person
     * sees why in the blocked file; the change stays uncommitted in the worktree for them to inspect.
     */
    private static SessionReport uncommitted(SessionReport session, List<String> reasons) {
        String said = switch (session.outcome()) {
            case SessionOutcome.Completed done -> "The agent reported the task done: " + firstLine(done.summary());
            case SessionOutcome.Blocked blocked -> "The agent reported itself blocked: " + firstLine(blocked.problem());
            case SessionOutcome.Escalated escalated -> "The agent asked for a stronger model: " + firstLine(escalated.reason());
            case SessionOutcome.Failed failed -> "The session ended without an answer: " + failed.reason();
        };
        SessionOutcome blocked = new SessionOutcome.Blocked(BlockType.TECHNICAL,
                "Kleiber did not commit this task's change:\n" + String.join("\n", reasons.stream()
                        .map(reason -> "- " + reason).toList()),
                List.of(said), "Undo or fix the change in the task's worktree (it is left uncommitted there), then run "
                + "the task again.");
        return new SessionReport(blocked, session.answeredModel(), session.usage(), session.turns(), session.approach(),
                session.scripted());
    }

    /**
     * Where the task's work began: the parent of its oldest commit on this branch that main does not hold yet,
     * else the current commit (a first attempt).
     */
    private String taskBase(GitRepository git, String taskId) {
        String range = git.branchExists(mainBranch) ? mainBranch + "..HEAD" : "HEAD";
        List<String> own = git.commitsWithTrailer(range, "Kleiber-Task", taskId);
        return own.isEmpty() ? git.commitOf("HEAD") : git.commitOf(own.getLast() + "^");
    }

    private void writeStarted(Assignment assignment, OffsetDateTime started, String approach) {
        TaskFile task = assignment.task();
        Set<String> files = new LinkedHashSet<>();
        Matcher matcher = PATH_IN_TEXT.matcher(approach);
        while (matcher.find()) {
            if (assignment.role().permissions().mayWrite(matcher.group(1))) {
                files.add(matcher.group(1));
            }
        }
        write(assignment.repositoryRoot(), new StartedFile(task.id(), task.agent(), started,
                "up to " + limits.maxTurns() + " turns", ModelText.block(approach), List.copyOf(files), List.of(), List.of()));
    }

    static String firstMessage(TaskFile task) {
        return "Your task, as Kleiber's task file " + task.location().relativePath() + " states it:\n\n"
                + ProtocolRenderer.render(task)
                + "\nThe worktree is the repository as it stands for this task; all paths are relative to its root.";
    }

    private static CommitMessage commitMessage(Assignment assignment, SessionReport report) {
        String subject = switch (report.outcome()) {
            case SessionOutcome.Completed done -> assignment.task().id() + ": " + firstLine(done.summary());
            default -> assignment.task().id() + ": work in progress (" + report.outcome().id() + ")";
        };
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("Kleiber-Task", assignment.task().id());
        trailers.put("Kleiber-Attempt", String.valueOf(assignment.attempt()));
        trailers.put("Kleiber-Agent", assignment.task().agent());
        trailers.put("Kleiber-Model", report.answeredModel().orElse(assignment.modelId()));
        return new CommitMessage(subject, "", trailers);
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("done");
        return line.length() > 72 ? line.substring(0, 69) + "..." : line;
    }

    private static Tokens tokens(TokenUsage usage) {
        return new Tokens(usage.totalInput(), usage.output());
    }

    private static FileChange toProtocol(dev.kleiber.git.FileChange change) {
        return new FileChange(change.path(), switch (change.kind()) {
            case CREATED -> FileChange.Change.CREATED;
            case MODIFIED -> FileChange.Change.MODIFIED;
            case DELETED -> FileChange.Change.DELETED;
        });
    }

    private static List<String> testsAdded(List<FileChange> changes) {
        return changes.stream().filter(c -> c.change() != FileChange.Change.DELETED)
                .map(FileChange::path).filter(path -> TEST_FILE.matcher(path).find()).toList();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    }

    private static Path write(Path root, ProtocolDocument document) {
        try {
            return ProtocolFiles.write(root, document);
        } catch (IOException e) {
            throw KleiberException.failed("cannot write " + document.location().relativePath() + ": " + e.getMessage(), e);
        }
    }
}
