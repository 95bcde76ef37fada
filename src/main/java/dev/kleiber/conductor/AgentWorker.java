package dev.kleiber.conductor;

import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.RoleSpec;
import dev.kleiber.agent.SessionCompaction;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.agent.TaskRun;
import dev.kleiber.agent.TaskRunner;
import dev.kleiber.agent.ToolEvent;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.llm.RetryNotice;
import dev.kleiber.llm.StreamListener;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Kleiber's own agent loop as a {@link Worker}: writes the task file as this attempt sees it (its model and the
 * feedback from before), runs the role's session through {@link TaskRunner} in the worktree, and logs the session
 * in {@code orchestration_log.md}. Budget and environment failures come back typed, never as text to match.
 */
final class AgentWorker implements Worker {
    private final TaskRunner runner;
    private final ProjectConfig project;
    private final Store store;
    private final Ledger ledger;
    private final OrchestrationLog log;
    private final Clock clock;
    private final Function<Path, GitRepository> gitIn;

    AgentWorker(TaskRunner runner, ProjectConfig project, Store store, Ledger ledger, OrchestrationLog log, Clock clock,
                Function<Path, GitRepository> gitIn) {
        this.runner = runner;
        this.project = project;
        this.store = store;
        this.ledger = ledger;
        this.log = log;
        this.clock = clock;
        this.gitIn = gitIn;
    }

    @Override
    public WorkOutcome run(Assignment assignment, RunListener events) {
        RoutedTask task = assignment.task();
        Tier tier = assignment.tier();
        String runId = assignment.runId();
        Path root = project.layout().root();
        TaskFile file = writeTaskFile(project, store, clock, runId, task, tier, assignment.feedback());
        Billing billing = new Billing(assignment, events);
        TaskRun run = runner.run(new TaskRunner.Assignment(file, role(project, task.agent()), tier,
                        project.settings().modelFor(tier), runId, assignment.attempt(), root, assignment.worktree(),
                        gitIn.apply(assignment.worktree())),
                sessionEvents(runId, task.id(), assignment.attempt(), events, billing), event -> {
                    // a refusal is the sandbox at work: a person watching the run should see it as it happens
                    if (event instanceof ToolEvent.Refused refused) {
                        events.on(new RunEvent.ToolRefused(runId, task.id(), refused.tool(), refused.inputSummary(),
                                refused.reason()));
                    }
                });
        // a call billed without an answer (a stream cut off after its tokens were counted) is told now
        billing.tell();
        ledger.session(runId, task.id(), assignment.attempt()).ifPresent(session -> {
            synchronized (log) {
                log.appendSessions(List.of(OrchestrationLog.Row.of(session, tier,
                        tier == task.tier() ? Optional.empty() : Optional.of(task.tier()))));
            }
        });
        return switch (run.outcome()) {
            case SessionOutcome.Completed done -> new WorkOutcome.Completed(done.summary());
            case SessionOutcome.Blocked blocked -> new WorkOutcome.Blocked(blocked.type(), blocked.problem());
            case SessionOutcome.Escalated escalated -> new WorkOutcome.Escalated(escalated.reason(),
                    Triage.learnt(tier, escalated.reason(), run.session().approach(), run.filesChanged(), run.commit(),
                            run.refusals()));
            case SessionOutcome.Failed failed -> switch (failed.cause()) {
                case SessionOutcome.BudgetStop budget -> new WorkOutcome.BudgetPaused(failed.reason());
                case SessionOutcome.EnvironmentFault environment ->
                        new WorkOutcome.EnvironmentFailed(failed.reason(), environment.fix());
                case SessionOutcome.AgentFault agent -> new WorkOutcome.Failed(failed.reason());
            };
        };
    }

    /**
     * Tells each model call's cost as it is billed ({@link RunEvent.SessionBilled}: the calls and cost the ledger
     * added since the last one told), so spend shows as it happens; summed, the events give the attempt's total.
     */
    private final class Billing {
        private final Assignment assignment;
        private final RunListener events;
        private long calls;
        private java.math.BigDecimal cost = java.math.BigDecimal.ZERO;

        Billing(Assignment assignment, RunListener events) {
            this.assignment = assignment;
            this.events = events;
        }

        /** Called on the attempt's own thread, after each answer and once at the end. */
        void tell() {
            String taskId = assignment.task().id();
            ledger.session(assignment.runId(), taskId, assignment.attempt()).ifPresent(session -> {
                long newCalls = session.calls() - calls;
                java.math.BigDecimal newCost = session.costUsd().subtract(cost);
                if (newCalls > 0 || newCost.signum() > 0) {
                    calls = session.calls();
                    cost = session.costUsd();
                    events.on(new RunEvent.SessionBilled(assignment.runId(), taskId, assignment.attempt(),
                            assignment.tier(), newCalls, newCost));
                }
            });
        }
    }

    /**
     * Passes the client's retries and the session's compactions on as run events (a person watching sees an
     * overloaded API, not a hang, and when a long session was summarized), and bills each answered call.
     */
    private static AgentSession.Listener sessionEvents(String runId, String taskId, int attempt, RunListener events,
                                                       Billing billing) {
        StreamListener stream = new StreamListener() {
            @Override
            public void onRetry(RetryNotice notice) {
                events.on(new RunEvent.CallRetried(runId, taskId, attempt, notice.nextAttempt(), notice.maxAttempts(),
                        notice.delay(), notice.problem(), notice.reason()));
            }
        };
        return new AgentSession.Listener() {
            @Override
            public StreamListener stream() {
                return stream;
            }

            @Override
            public void onAnswered() {
                billing.tell();
            }

            @Override
            public void onCompacted(SessionCompaction compaction) {
                events.on(new RunEvent.SessionCompacted(runId, taskId, attempt, compaction.turn(),
                        compaction.tokensBefore(), compaction.tokensAfter(), compaction.messagesReplaced()));
            }
        };
    }

    static RoleSpec role(ProjectConfig project, String name) {
        // a role without a file of its own still writes where kleiber.yaml's layout.write puts it
        return project.agent(name).map(RoleSpec::from).orElseGet(() -> new RoleSpec(name,
                "You are " + name.toUpperCase(Locale.ROOT) + ".", RolePermissions.blueprintDefault(name)
                .withWrite(project.settings().layout().writeOf(name))));
    }

    /** Writes tasks/{agent}/{task-id}.md as an attempt sees it: its model and any feedback from before. */
    static TaskFile writeTaskFile(ProjectConfig project, Store store, Clock clock, String runId, RoutedTask routed,
                                  Tier tier, Optional<String> feedback) {
        java.time.Instant at = store.runs().find(runId).map(r -> r.createdAt()).orElse(clock.instant());
        OffsetDateTime created = OffsetDateTime.ofInstant(at, ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        return new TaskFileWriter(project.layout().root()).write(routed, tier, created, feedback);
    }
}
