package dev.kleiber.metrics;

import dev.kleiber.agent.ToolName;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.Tier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts what this process's runs do, from their {@link RunEvent}s: routing decisions, attempts, queue waits, task
 * durations, retries and escalations by cause, refusals by tool and reason, merges, conflicts, blocks, budget pauses
 * and checks of main. Labels are closed sets (tiers, roles, rule ids, tool names, reason classes), never task ids or
 * text a model wrote.
 */
final class RunMeters implements RunListener {
    /** Tasks followed at once for their durations; past this a process forgets new ones rather than grow. */
    private static final int MAX_TRACKED = 10_000;

    private static final Duration[] WAIT_BUCKETS = seconds(0.1, 0.5, 1, 5, 15, 60, 300, 1800);
    private static final Duration[] DURATION_BUCKETS = seconds(10, 30, 60, 120, 300, 600, 1800, 3600, 7200);

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Long> queuedAt = new ConcurrentHashMap<>();
    private final Map<String, Started> started = new ConcurrentHashMap<>();

    /** The first start of a task in this process and the agent and tier of its latest attempt. */
    private record Started(long firstMs, String agent, Tier tier) {
    }

    RunMeters(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void on(RunEvent event) {
        String key = event.runId() + "\u0000" + event.taskId();
        long now = clock.millis();
        switch (event) {
            case RunEvent.TaskPlanned p -> {
                count("kleiber.tasks.planned", "Tasks planned, by role, tier and whether a person must review them",
                        "agent", p.agent(), "tier", p.tier().id(), "human_review", String.valueOf(p.humanReview()));
                for (String rule : p.rules()) {
                    count("kleiber.routing.decisions", "Routing rules that applied to planned tasks, by the tier chosen",
                            "tier", p.tier().id(), "rule", rule);
                }
                track(queuedAt, key, now);
            }
            case RunEvent.TaskQueued q -> track(queuedAt, key, now);
            case RunEvent.TaskReclaimed r -> {
                retry("lease_expired");
                track(queuedAt, key, now);
            }
            case RunEvent.TaskStarted s -> {
                count("kleiber.task.attempts", "Attempts started, by role and tier", "agent", s.agent(), "tier", s.tier().id());
                Long since = queuedAt.remove(key);
                if (since != null) {
                    Timer.builder("kleiber.task.queue.wait").description(
                            "From queued (or planned) to claimed by a worker, waits on dependencies included")
                            .serviceLevelObjectives(WAIT_BUCKETS).register(registry).record(Duration.ofMillis(Math.max(0, now - since)));
                }
                Started before = started.get(key);
                long first = before == null ? now : before.firstMs();
                if (before != null || started.size() < MAX_TRACKED) {
                    started.put(key, new Started(first, s.agent(), s.tier()));
                }
            }
            case RunEvent.ToolRefused r -> count("kleiber.tool.refusals", "Tool calls the sandbox refused, by tool and reason",
                    "tool", ToolName.parse(r.tool()).map(ToolName::wireName).orElse("unknown"),
                    "reason", RefusalReason.of(r.reason()));
            case RunEvent.Merged m -> {
                count("kleiber.merges", "Tasks merged into main");
                finished(key, "merged", now);
            }
            case RunEvent.FoundMerged m -> finished(key, "merged", now);
            case RunEvent.AwaitingReview a -> finished(key, "awaiting_review", now);
            case RunEvent.DiffNeedsReview d -> {
                for (Reason reason : d.reasons()) {
                    count("kleiber.review.diff.triggers", "Diffs stopped for a person's review, by the rule that fired",
                            "rule", reason.ruleId());
                }
            }
            case RunEvent.MergeConflicted c -> count("kleiber.merge.conflicts", "Merges into main that conflicted");
            case RunEvent.TaskBlocked b -> {
                count("kleiber.tasks.blocked", "Tasks blocked, by block type and by whom",
                        "type", b.type().name().toLowerCase(Locale.ROOT), "by", b.by().name().toLowerCase(Locale.ROOT));
                finished(key, "blocked", now);
            }
            case RunEvent.Retried r -> {
                Started s = started.get(key);
                if (s != null && s.tier() != r.tier()) {
                    escalation(s.tier().id(), r.tier().id(), "retry_ladder");
                }
                retry(r.feedback().startsWith("Validation failed") ? "validation_failed" : "work_failed");
            }
            case RunEvent.Escalated e -> escalation(e.from().id(), e.to().id(), "agent_request");
            case RunEvent.EscalatedByConductor e -> escalation(
                    java.util.Optional.ofNullable(started.get(key)).map(s -> s.tier().id()).orElse("unknown"),
                    Tier.OPUS.id(), "conductor");
            case RunEvent.RetriesExhausted r -> count("kleiber.task.retries.exhausted",
                    "Tasks blocked for a person after every retry failed");
            case RunEvent.TransientFailure t -> retry("transient");
            case RunEvent.SessionCompacted c -> count("kleiber.session.compactions",
                    "Long agent sessions whose history was compacted into a summary");
            case RunEvent.CallRetried c -> count("kleiber.llm.call.retries",
                    "LLM calls tried again after an API error (overloaded, rate-limited, unreachable)");
            case RunEvent.LeaseLost l -> retry("lease_lost");
            case RunEvent.BudgetPaused b -> count("kleiber.budget.pauses", "Times the budget guard paused work",
                    "at", b.step().name().toLowerCase(Locale.ROOT));
            case RunEvent.EnvironmentFailed f -> {
                count("kleiber.environment.failures", "Tasks stopped by the environment (not the agent's fault)");
                finished(key, "environment_failed", now);
            }
            case RunEvent.TaskFailed f -> finished(key, "failed", now);
            case RunEvent.WorkerStopped w -> count("kleiber.worker.stops", "Worker threads that ended on an error");
            case RunEvent.AskedPerson a -> answer("ask_person");
            case RunEvent.Replanned r -> answer("replan");
            case RunEvent.ResolutionPlanned r -> answer("resolve_conflict");
            case RunEvent.AnswerFailed a -> answer("failed");
            case RunEvent.MainValidated m -> mainCheck(m.passed() ? "passed" : "failed");
            case RunEvent.MainUncheckable m -> mainCheck("error");
            case RunEvent.HousekeepingFailed h -> count("kleiber.housekeeping.failures", "Cleanups that failed");
            case RunEvent.RunFinished f -> count("kleiber.runs.finished", "Runs that stopped working, by how",
                    "outcome", f.outcome().pause().isPresent() ? "paused" : f.outcome().anyFailed() ? "failed"
                            : f.outcome().finished() ? "finished" : "waiting");
            // a run on a remote's workers cancelled through the API ends there: no RunFinished follows
            case RunEvent.RunCancelled c -> count("kleiber.runs.finished", "Runs that stopped working, by how",
                    "outcome", "cancelled");
            // the rest (billing, validation, ignored blocked files, unrecorded checks) is counted from the store,
            // the validator or not at all; a new kind of event is not metered until it is added here
            default -> {
            }
        }
    }

    private void count(String name, String description, String... tags) {
        Counter.builder(name).description(description).tags(tags).register(registry).increment();
    }

    private void retry(String cause) {
        count("kleiber.task.retries", "Attempts that went round again, by cause", "cause", cause);
    }

    private void escalation(String from, String to, String cause) {
        count("kleiber.escalations", "Tasks moved to a stronger model, by cause", "from", from, "to", to, "cause", cause);
    }

    private void answer(String decision) {
        count("kleiber.conductor.answers", "The conductor's answers to blocked files, by decision", "decision", decision);
    }

    private void mainCheck(String result) {
        count("kleiber.main.validations", "Checks of main this process ran, by result", "result", result);
    }

    /** A task reached {@code outcome}: its time from first start in this process to now is recorded once. */
    private void finished(String key, String outcome, long now) {
        queuedAt.remove(key);
        Started s = started.remove(key);
        if (s != null) {
            Timer.builder("kleiber.task.duration").description("From a task's first start to its outcome, by role and tier")
                    .tags("agent", s.agent(), "tier", s.tier().id(), "outcome", outcome)
                    .serviceLevelObjectives(DURATION_BUCKETS).register(registry).record(Duration.ofMillis(Math.max(0, now - s.firstMs())));
        }
    }

    private static void track(Map<String, Long> map, String key, long now) {
        if (map.containsKey(key) || map.size() < MAX_TRACKED) {
            map.put(key, now);
        }
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(Math.round(values[i] * 1000));
        }
        return out;
    }
}
