package dev.kleiber.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.protocol.CompleteFile;
import dev.kleiber.protocol.FileChange;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** One task's agent end to end: the real SDK against the fake Messages API, real tools in a real worktree. */
class TaskRunnerTest {
    private static final String KEY = "sk-ant-test-RUNNER-0123456789";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    Path repo;
    GitRepository git;
    FakeMessagesApi api;
    RecordingBudget budget;
    AnthropicClient client;
    List<ToolEvent> events = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/\n");
        Files.createDirectories(repo.resolve("src/backend"));
        for (int i = 1; i <= 20; i++) {
            Files.writeString(repo.resolve("src/backend/module" + i + ".js"),
                    ("// module " + i + ": a realistic backend file with some logic in it\n"
                            + "export function handleRequest" + i + "(request) { return request.body; }\n").repeat(30));
        }
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "sample backend");
        git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        api = FakeMessagesApi.start(KEY);
        budget = new RecordingBudget();
        client = AnthropicClient.create(AnthropicSettings.fromEnv(Map.of(
                "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString())), budget, CLOCK);
    }

    @AfterEach
    void tearDown() {
        client.close();
        api.close();
    }

    private TaskFile task() {
        String text = """
                # Task: feat-001
                Agent: engineer-backend
                Model: sonnet
                Priority: p1
                Created: 2026-11-25T11:00:00Z

                ## Description
                Add a KYC status endpoint to the backend.

                ## Acceptance Criteria
                - [ ] GET /kyc/:id returns the status
                - [ ] An integration test covers it

                ## Context
                The backend lives in src/backend.

                ## Constraints
                Do not touch the frontend.
                """;
        ParseResult result = new ProtocolParser(Roles.BLUEPRINT).parse(text);
        return (TaskFile) ((ParseResult.Parsed) result).document();
    }

    private TaskRun run(int maxTurns) {
        Path worktree = git.addWorktree(repo.resolve(".kleiber/worktrees/feat-001"), "feature/feat-001-kyc", "main").path();
        TaskRunner runner = new TaskRunner(client, SessionLimits.of(maxTurns, 4000),
                CommandSandbox.Settings.defaults(), Map.of("ANTHROPIC_API_KEY", KEY), CLOCK);
        TaskRunner.Assignment assignment = new TaskRunner.Assignment(task(),
                new RoleSpec("engineer-backend", "You are ENGINEER-BACKEND.",
                        RolePermissions.blueprintDefault("engineer-backend")),
                Tier.SONNET, "claude-sonnet-4-5", "run-1", 1, repo, worktree, new GitRepository(worktree, tmp.resolve("m")));
        return runner.run(assignment, AgentSession.Listener.NONE, events::add);
    }

    private static int turn(RecordedRequest request) {
        return request.json().path("messages").size() / 2 + 1;
    }

    private void script(Function<Integer, FakeReply> byTurn) {
        api.respondWith(request -> byTurn.apply(turn(request)));
    }

    @Test
    void aTwentyTurnTaskCompletesWithItsFilesCommittedAndMostInputReadFromCache() throws IOException {
        script(turn -> switch (turn) {
            case 1 -> FakeReply.answer(FakeReply.text("I will add src/backend/kyc.js and tests/integration/kyc.test.js."),
                    FakeReply.toolUse("t1", "list_files", "{\"path\":\"src/backend\"}"));
            case 10 -> FakeReply.answer(FakeReply.toolUse("t10", "write_file",
                    "{\"path\":\"src/frontend/Kyc.tsx\",\"content\":\"no\"}"));
            case 11 -> FakeReply.answer(FakeReply.toolUse("t11", "write_file",
                    "{\"path\":\"src/backend/kyc.js\",\"content\":\"export const kycStatus = () => 'pending';\\n\"}"));
            case 12 -> FakeReply.answer(FakeReply.toolUse("t12", "write_file",
                    "{\"path\":\"tests/integration/kyc.test.js\",\"content\":\"// covers GET /kyc/:id\\n\"}"));
            case 20 -> FakeReply.answer(FakeReply.toolUse("t20", "complete_task",
                    "{\"summary\":\"Added the KYC status endpoint.\\n## Fake heading\",\"decisions\":[\"Chose a pure function over a class because it is simpler\"]}"));
            default -> FakeReply.answer(FakeReply.text("Reading module " + turn + "."),
                    FakeReply.toolUse("t" + turn, "read_file", "{\"path\":\"src/backend/module" + turn + ".js\"}"));
        });

        TaskRun run = run(40);

        assertThat(run.outcome()).isInstanceOf(SessionOutcome.Completed.class);
        assertThat(run.session().turns()).isEqualTo(20);
        assertThat(run.refusals()).singleElement().asString().contains("write_file").contains("src/frontend/Kyc.tsx");
        assertThat(run.filesChanged()).containsExactlyInAnyOrder(
                new FileChange("src/backend/kyc.js", FileChange.Change.CREATED),
                new FileChange("tests/integration/kyc.test.js", FileChange.Change.CREATED));
        assertThat(CommitMessage.trailersOf(git.message(run.commit().orElseThrow())))
                .containsEntry("Kleiber-Task", "feat-001").containsEntry("Kleiber-Attempt", "1");

        Path started = repo.resolve("progress/engineer-backend/feat-001-started.md");
        assertThat(started).content().contains("# Started: feat-001").contains("- src/backend/kyc.js")
                .contains("- tests/integration/kyc.test.js");
        Path done = repo.resolve("complete/engineer-backend/feat-001-done.md");
        ParseResult parsed = new ProtocolParser(Roles.BLUEPRINT).parse(Files.readString(done));
        CompleteFile complete = (CompleteFile) ((ParseResult.Parsed) parsed).document();
        assertThat(complete.modelUsed()).isEqualTo(Tier.SONNET);
        assertThat(complete.summary()).isEqualTo("Added the KYC status endpoint.\n\\## Fake heading");
        assertThat(complete.testsAdded()).containsExactly("tests/integration/kyc.test.js");
        assertThat(complete.decisions()).containsExactly("Chose a pure function over a class because it is simpler");
        assertThat(complete.tokens().input()).isEqualTo(run.usage().totalInput());
        assertThat(complete.readyForReview()).noneMatch(item -> item.done());

        JsonNode refusedResult = api.requests().get(10).json().path("messages").get(20).path("content").get(0);
        assertThat(refusedResult.path("is_error").asBoolean()).isTrue();
        assertThat(api.requests().getFirst().json().path("system").get(0).path("text").asText())
                .contains("You are ENGINEER-BACKEND.").contains("You may write: src/backend/**");
        assertThat(api.requests().getFirst().json().path("messages").get(0).path("content").get(0).path("text").asText())
                .contains("Add a KYC status endpoint to the backend.");
        assertThat(budget.open()).isEmpty();

        TokenUsage usage = run.usage();
        double readShare = (double) usage.cacheRead() / usage.totalInput();
        System.out.printf("agent loop cache: %d of %d input tokens read from cache (%.1f%%) over %d turns%n",
                usage.cacheRead(), usage.totalInput(), 100 * readShare, run.session().turns());
        assertThat(readShare).as("share of input read from cache, usage %s", usage).isGreaterThanOrEqualTo(0.70);
    }

    @Test
    void aBlockedAgentLeavesABlockedFileAndItsPartialWorkOnTheBranch() {
        script(turn -> turn == 1
                ? FakeReply.answer(FakeReply.toolUse("t1", "write_file",
                "{\"path\":\"src/backend/half.js\",\"content\":\"// half\\n\"}"))
                : FakeReply.answer(FakeReply.toolUse("t2", "report_blocked",
                "{\"type\":\"unclear_requirements\",\"problem\":\"Which KYC provider?\",\"attempted\":[\"Read the docs\"],\"need\":\"Name the provider\"}")));

        TaskRun run = run(10);

        assertThat(run.outcome()).isEqualTo(new SessionOutcome.Blocked(dev.kleiber.protocol.BlockType.UNCLEAR_REQUIREMENTS,
                "Which KYC provider?", List.of("Read the docs"), "Name the provider"));
        assertThat(repo.resolve("blocked/engineer-backend/feat-001-conflict.md")).content()
                .contains("Type: unclear_requirements").contains("1. Read the docs");
        assertThat(git.message(run.commit().orElseThrow())).startsWith("feat-001: work in progress (blocked)");
    }

    /**
     * An outside agent's session (an engine whose writes no tool of Kleiber's judged, as Claude Code's Bash in a folder
     * it may write for another glob) that leaves a file outside the role's globs: the real diff is checked after the
     * session, nothing is committed, and the task is blocked with the reason, whatever the agent said.
     */
    @Test
    void aChangeOutsideTheRolesGlobsThatSlippedThroughIsNotCommittedAndBlocksTheTask() throws IOException {
        Path worktree = git.addWorktree(repo.resolve(".kleiber/worktrees/feat-001"), "feature/feat-001-kyc", "main").path();
        SessionEngine outside = (setup, tree, permissions, listener) -> {
            try {
                Files.writeString(tree.resolve("src/backend/kyc.js"), "export const kyc = 1;\n");
                Files.createDirectories(tree.resolve("src/frontend"));
                Files.writeString(tree.resolve("src/frontend/slipped.tsx"), "export {};\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new SessionReport(new SessionOutcome.Completed("Added kyc.js.", List.of()), java.util.Optional.empty(),
                    TokenUsage.NONE, 1, java.util.Optional.empty(), false);
        };
        TaskRunner runner = new TaskRunner(outside, SessionLimits.of(5, 4000), CommandSandbox.Settings.defaults(),
                Map.of(), CLOCK, dev.kleiber.config.ChangeLimits.DEFAULT);
        String head = git.commitOf("main");

        TaskRun run = runner.run(new TaskRunner.Assignment(task(), new RoleSpec("engineer-backend", "You are ENGINEER-BACKEND.",
                        RolePermissions.blueprintDefault("engineer-backend")), Tier.SONNET, "claude-sonnet-4-5", "run-1", 1,
                repo, worktree, new GitRepository(worktree, tmp.resolve("m"))), AgentSession.Listener.NONE, events::add);

        assertThat(run.outcome()).isInstanceOfSatisfying(SessionOutcome.Blocked.class, blocked -> {
            assertThat(blocked.problem()).startsWith("Kleiber did not commit this task's change")
                    .contains("src/frontend/slipped.tsx").doesNotContain("kyc.js");
            assertThat(blocked.attempted()).containsExactly("The agent reported the task done: Added kyc.js.");
        });
        assertThat(run.commit()).isEmpty();
        assertThat(new GitRepository(worktree, tmp.resolve("m")).commitOf("HEAD")).isEqualTo(head);
        assertThat(worktree.resolve("src/frontend/slipped.tsx")).as("left for a person to inspect").exists();
        assertThat(repo.resolve("blocked/engineer-backend/feat-001-conflict.md")).content().contains("slipped.tsx");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ToolEvent.Refused.class,
                r -> assertThat(r.tool()).isEqualTo("commit")));
    }

    @Test
    void anAgentThatNeverFinishesFailsAtTheTurnLimit() {
        script(turn -> FakeReply.answer(FakeReply.toolUse("t" + turn, "list_files", "{}")));

        TaskRun run = run(3);

        assertThat(run.outcome()).isEqualTo(new SessionOutcome.Failed("the session reached its limit of 3 turns"));
        assertThat(api.requests()).hasSize(3);
        assertThat(run.commit()).isEmpty();
    }

    @Test
    void escalationEndsTheSessionWithoutAProtocolFile() {
        script(turn -> FakeReply.answer(FakeReply.toolUse("t1", "request_escalation",
                "{\"reason\":\"This touches the payment ledger\"}")));

        TaskRun run = run(10);

        assertThat(run.outcome()).isEqualTo(new SessionOutcome.Escalated("This touches the payment ledger"));
        assertThat(run.protocolFile()).isEmpty();
    }

    @Test
    void anInvalidProtocolCallIsSentBackAsAnError() {
        script(turn -> turn == 1 ? FakeReply.answer(FakeReply.toolUse("t1", "complete_task", "{}"))
                : FakeReply.answer(FakeReply.toolUse("t2", "complete_task", "{\"summary\":\"ok\"}")));

        TaskRun run = run(10);

        assertThat(run.outcome()).isEqualTo(new SessionOutcome.Completed("ok", List.of()));
        JsonNode result = api.requests().get(1).json().path("messages").get(2).path("content").get(0);
        assertThat(result.path("is_error").asBoolean()).isTrue();
        assertThat(result.path("content").toString()).contains("needs a non-empty 'summary'");
    }
}
