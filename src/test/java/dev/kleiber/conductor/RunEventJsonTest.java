package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of run event survives JSON, and reads as the contract with the server and dashboard says. */
class RunEventJsonTest {
    private static final Instant AT = Instant.parse("2026-12-07T02:50:01.123Z");
    private static final String RUN = "run-7";

    /** One of each kind, with awkward text (quotes, newlines, non-ASCII) and absent and present optionals. */
    private static final List<RunEvent> SAMPLES = List.of(
            new RunEvent.TaskPlanned(RUN, "t1", "engineer-backend", Tier.SONNET, true, List.of("forced.payments", "role.default"),
                    Optional.of("t0")),
            new RunEvent.TaskPlanned(RUN, "t2", "engineer-frontend", Tier.HAIKU, false, List.of(), Optional.empty()),
            new RunEvent.TaskQueued(RUN, "t1", "retry on sonnet with the failure as feedback"),
            new RunEvent.TaskReclaimed(RUN, "t1"),
            new RunEvent.TaskStarted(RUN, "t1", "engineer-backend", Tier.OPUS, 3),
            new RunEvent.ToolRefused(RUN, "t1", "run_command", "cat ~/.ssh/id_rsa", "outside the sandbox \"read\" list"),
            new RunEvent.CallRetried(RUN, "t1", 1, 2, 4, Duration.ofMillis(1500), "overloaded", "529 Overloaded"),
            new RunEvent.SessionCompacted(RUN, "t1", 2, 31, 152_000, 18_400, 58),
            new RunEvent.NothingToChange(RUN, "t1", "blocked/engineer-backend/t1-conflict.md"),
            new RunEvent.SessionBilled(RUN, "t1", 2, Tier.SONNET, 7, new BigDecimal("0.012345678901")),
            new RunEvent.ClaudeCodeSession(RUN, "t1", 1, "claude-sonnet-4-5", 6, 6150, 315, new BigDecimal("0.023175"),
                    Optional.of(new BigDecimal("0.0412")), "success", 6, List.of("Write: role engineer-backend may not "
                    + "write 'src/frontend/Evil.tsx'"), List.of()),
            new RunEvent.ClaudeCodeSession(RUN, "t2", 2, "claude-haiku-4-5", 0, 0, 0, BigDecimal.ZERO, Optional.empty(),
                    "none", 0, List.of(), List.of("daily limit $5.00 reached")),
            new RunEvent.Validated(RUN, "t1", "3f2a9c1d0e4b5a6978877665544332211000ffee"),
            new RunEvent.DiffNeedsReview(RUN, "t1", List.of(new Reason("diff.auth", "src/auth/Login.java"))),
            new RunEvent.AwaitingReview(RUN, "t1", "abc123"),
            new RunEvent.Merged(RUN, "t1", "def456"),
            new RunEvent.FoundMerged(RUN, "t1"),
            new RunEvent.MergeConflicted(RUN, "t1", List.of("a.txt", "b/ü.txt"), "blocked/engineer-backend/t1-conflict.md"),
            new RunEvent.TaskBlocked(RUN, "t1", BlockType.UNCLEAR_REQUIREMENTS, "which API?\nline two", RunEvent.BlockedBy.FILE),
            new RunEvent.Retried(RUN, "t1", Tier.OPUS, "Validation failed:\n- test: `npm test` exited with 1"),
            new RunEvent.Escalated(RUN, "t1", Tier.HAIKU, Tier.OPUS, "needs design"),
            new RunEvent.RetriesExhausted(RUN, "t1", 3),
            new RunEvent.BudgetPaused(RUN, "t1", RunEvent.PausedAt.CONDUCTOR_ANSWER, "daily limit $5.00 reached"),
            new RunEvent.EnvironmentFailed(RUN, "t1", "model claude-x is retired", "set models.sonnet in kleiber.yaml"),
            new RunEvent.TransientFailure(RUN, "t1", 2, 3, Duration.ofMillis(4000), "database is locked"),
            new RunEvent.TaskFailed(RUN, "t1", "attempt 21 passes the limit"),
            new RunEvent.LeaseLost(RUN, "t1", "fence 4 is stale"),
            new RunEvent.WorkerStopped(RUN, "t1: boom"),
            new RunEvent.RunCancelled(RUN, "cancelled by admin-token through the API", List.of("t1", "t2")),
            new RunEvent.NoLiveWorker(RUN, "ssh://git@git.example/shop.git", List.of("t1"), List.of("node20"),
                    Duration.ofMinutes(2), "kleiber worker --remote ssh://git@git.example/shop.git --tags node20"),
            new RunEvent.AskedPerson(RUN, "t1", "Which currency?"),
            new RunEvent.PersonAnswered(RUN, "t1", "ana (from $USER)", "blocked/engineer-backend/t1-conflict.md"),
            new RunEvent.EscalatedByConductor(RUN, "t1", "hard"),
            new RunEvent.Replanned(RUN, "t1", "added t1-dep", "missing schema"),
            new RunEvent.ResolutionPlanned(RUN, "t1", List.of("x.java"), "resolve-t1", "engineer-backend", Tier.SONNET),
            new RunEvent.AnswerFailed(RUN, "t1", "blocked/engineer-backend/t1.md", "the model said nothing"),
            new RunEvent.BlockedFileIgnored(RUN, "t1", "blocked/x.md", "line 3: expected a Type"),
            new RunEvent.MainValidated(RUN, "abc", false, "test (`npm test` exited with 1)", "reports/main-validation.md"),
            new RunEvent.MainUncheckable(RUN, "no node"),
            new RunEvent.MainCheckUnrecorded(RUN, "store closed"),
            new RunEvent.HousekeepingFailed(RUN, "remove the worktree of t1 attempt 2", "busy"),
            new RunEvent.RunFinished(RUN, new RunOutcome(RUN, List.of("t1"), List.of(), List.of("t2"), List.of(),
                    List.of("t3"), Map.of("t4", List.of("t2 (blocked)")), Optional.of("budget: daily limit"))),
            new RunEvent.RunFinished(RUN, new RunOutcome(RUN, List.of(), List.of(), List.of(), List.of(), List.of(),
                    Map.of(), Optional.empty())));

    /**
     * One number per kind, by an exhaustive switch over the sealed hierarchy: a new event does not compile here until
     * it is named, and {@link #everyKindHasASample} then wants a sample of it.
     */
    private static String kindOf(RunEvent event) {
        return switch (event) {
            case RunEvent.TaskPlanned e -> "TaskPlanned";
            case RunEvent.TaskQueued e -> "TaskQueued";
            case RunEvent.TaskReclaimed e -> "TaskReclaimed";
            case RunEvent.TaskStarted e -> "TaskStarted";
            case RunEvent.ToolRefused e -> "ToolRefused";
            case RunEvent.CallRetried e -> "CallRetried";
            case RunEvent.SessionCompacted e -> "SessionCompacted";
            case RunEvent.NothingToChange e -> "NothingToChange";
            case RunEvent.SessionBilled e -> "SessionBilled";
            case RunEvent.ClaudeCodeSession e -> "ClaudeCodeSession";
            case RunEvent.Validated e -> "Validated";
            case RunEvent.DiffNeedsReview e -> "DiffNeedsReview";
            case RunEvent.AwaitingReview e -> "AwaitingReview";
            case RunEvent.Merged e -> "Merged";
            case RunEvent.FoundMerged e -> "FoundMerged";
            case RunEvent.MergeConflicted e -> "MergeConflicted";
            case RunEvent.TaskBlocked e -> "TaskBlocked";
            case RunEvent.Retried e -> "Retried";
            case RunEvent.Escalated e -> "Escalated";
            case RunEvent.RetriesExhausted e -> "RetriesExhausted";
            case RunEvent.BudgetPaused e -> "BudgetPaused";
            case RunEvent.EnvironmentFailed e -> "EnvironmentFailed";
            case RunEvent.TransientFailure e -> "TransientFailure";
            case RunEvent.TaskFailed e -> "TaskFailed";
            case RunEvent.LeaseLost e -> "LeaseLost";
            case RunEvent.WorkerStopped e -> "WorkerStopped";
            case RunEvent.RunCancelled e -> "RunCancelled";
            case RunEvent.NoLiveWorker e -> "NoLiveWorker";
            case RunEvent.AskedPerson e -> "AskedPerson";
            case RunEvent.PersonAnswered e -> "PersonAnswered";
            case RunEvent.EscalatedByConductor e -> "EscalatedByConductor";
            case RunEvent.Replanned e -> "Replanned";
            case RunEvent.ResolutionPlanned e -> "ResolutionPlanned";
            case RunEvent.AnswerFailed e -> "AnswerFailed";
            case RunEvent.BlockedFileIgnored e -> "BlockedFileIgnored";
            case RunEvent.MainValidated e -> "MainValidated";
            case RunEvent.MainUncheckable e -> "MainUncheckable";
            case RunEvent.MainCheckUnrecorded e -> "MainCheckUnrecorded";
            case RunEvent.HousekeepingFailed e -> "HousekeepingFailed";
            case RunEvent.RunFinished e -> "RunFinished";
        };
    }

    @Test
    void everyKindHasASample() {
        Set<String> declared = RunEventJson.leaves(RunEvent.class).map(Class::getSimpleName).collect(Collectors.toSet());
        Set<String> sampled = SAMPLES.stream().map(RunEventJsonTest::kindOf).collect(Collectors.toSet());
        assertThat(sampled).isEqualTo(declared);
        assertThat(RunEventJson.kinds()).containsExactlyInAnyOrderElementsOf(declared);
        // the body's own fields: a component of the same name would overwrite one of them
        RunEventJson.leaves(RunEvent.class).forEach(type -> assertThat(type.getRecordComponents())
                .extracting(java.lang.reflect.RecordComponent::getName).as(type.getSimpleName())
                .doesNotContain("kind", "at"));
    }

    @Test
    void everyKindReadsBackAsTheSameEvent() {
        for (RunEvent event : SAMPLES) {
            String json = RunEventJson.write(event, AT);
            assertThat(RunEventJson.read(json)).as(json).isEqualTo(event);
            assertThat(RunEventJson.at(json)).isEqualTo(AT);
            assertThat(json).doesNotContain("\n");
        }
    }

    @Test
    void theBodyCarriesKindRunTaskAndTimeThenTheComponentsByName() throws Exception {
        JsonNode started = new ObjectMapper().readTree(RunEventJson.write(
                new RunEvent.TaskStarted(RUN, "t1", "engineer-backend", Tier.OPUS, 3), AT));
        assertThat(started.get("kind").asText()).isEqualTo("TaskStarted");
        assertThat(started.get("runId").asText()).isEqualTo(RUN);
        assertThat(started.get("taskId").asText()).isEqualTo("t1");
        assertThat(started.get("at").asText()).isEqualTo("2026-12-07T02:50:01.123Z");
        assertThat(started.get("tier").asText()).isEqualTo("opus");
        assertThat(started.get("attempt").asInt()).isEqualTo(3);

        JsonNode billed = new ObjectMapper().readTree(RunEventJson.write(
                new RunEvent.SessionBilled(RUN, "t1", 1, Tier.SONNET, 2, new BigDecimal("0.012345678901")), AT));
        // money stays exact: no binary floating point on the way
        assertThat(billed.get("costUsd").decimalValue()).isEqualByComparingTo("0.012345678901");

        JsonNode whole = new ObjectMapper().readTree(RunEventJson.write(new RunEvent.WorkerStopped(RUN, "x"), AT));
        assertThat(whole.get("taskId").asText()).isEmpty();
        JsonNode planned = new ObjectMapper().readTree(RunEventJson.write(SAMPLES.get(1), AT));
        assertThat(planned.get("addedFor").isNull()).isTrue();
        JsonNode waiting = new ObjectMapper().readTree(RunEventJson.write(SAMPLES.get(1), AT));
        assertThat(waiting.get("humanReview").asBoolean()).isFalse();
        JsonNode backoff = new ObjectMapper().readTree(RunEventJson.write(
                new RunEvent.TransientFailure(RUN, "t", 1, 3, Duration.ofSeconds(2), "busy"), AT));
        assertThat(backoff.get("backoff").asLong()).isEqualTo(2000);
    }

    @Test
    void aTextThatIsNotAnEventIsRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> RunEventJson.read("[1]")).hasMessageContaining("expected an object");
        assertThatThrownBy(() -> RunEventJson.read("{\"kind\":\"Nope\"}")).hasMessageContaining("unknown kind 'Nope'")
                .hasMessageContaining("TaskStarted");
        assertThatThrownBy(() -> RunEventJson.read("{\"kind\":\"TaskReclaimed\",\"runId\":\"r\"}"))
                .hasMessageContaining("'taskId' is missing");
        assertThatThrownBy(() -> RunEventJson.read(
                "{\"kind\":\"TaskStarted\",\"runId\":\"r\",\"taskId\":\"t\",\"agent\":\"a\",\"tier\":\"giant\",\"attempt\":1}"))
                .hasMessageContaining("TaskStarted.tier").hasMessageContaining("giant");
        assertThatThrownBy(() -> RunEventJson.read("{not json")).hasMessageContaining("not a run event's JSON");
    }
}
