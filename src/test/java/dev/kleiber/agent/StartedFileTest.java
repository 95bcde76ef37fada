package dev.kleiber.agent;

import dev.kleiber.git.GitRepository;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.StartedFile;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 8: the started file is written when work starts, whatever the agent's first turn holds; its
 * approach is "not stated" until the agent states one, and is completed then.
 */
class StartedFileTest {
    private static final String KEY = "sk-ant-test-STARTED-0123456789";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    Path repo;
    Path started;
    GitRepository git;
    FakeMessagesApi api;
    AnthropicClient client;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "ignore kleiber's folder");
        git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        api = FakeMessagesApi.start(KEY);
        client = AnthropicClient.create(AnthropicSettings.fromEnv(Map.of(
                "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString())), new RecordingBudget(), CLOCK);
        started = repo.resolve("progress/engineer-backend/feat-002-started.md");
    }

    @AfterEach
    void tearDown() {
        client.close();
        api.close();
    }

    private TaskRun run() {
        TaskFile task = (TaskFile) ((ParseResult.Parsed) new ProtocolParser(Roles.BLUEPRINT).parse("""
                # Task: feat-002
                Agent: engineer-backend
                Model: sonnet
                Priority: p1
                Created: 2026-11-25T11:00:00Z

                ## Description
                Add a ping endpoint to the backend.

                ## Acceptance Criteria
                - [ ] GET /ping answers pong
                """)).document();
        Path worktree = git.addWorktree(repo.resolve(".kleiber/worktrees/feat-002"), "feature/feat-002-ping", "main").path();
        TaskRunner runner = new TaskRunner(client, SessionLimits.of(10, 4000), CommandSandbox.Settings.defaults(),
                Map.of(), CLOCK);
        return runner.run(new TaskRunner.Assignment(task, new RoleSpec("engineer-backend", "You are ENGINEER-BACKEND.",
                        RolePermissions.blueprintDefault("engineer-backend")), Tier.SONNET, "claude-sonnet-4-5", "run-1", 1,
                repo, worktree, new GitRepository(worktree, tmp.resolve("m"))), AgentSession.Listener.NONE, event -> { });
    }

    private StartedFile startedFile() {
        try {
            return (StartedFile) ((ParseResult.Parsed) new ProtocolParser(Roles.BLUEPRINT).parse(Files.readString(started)))
                    .document();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFirstTurnOfToolCallsStillStartsTheTaskAndALaterApproachCompletesTheFile() {
        List<String> approachSeenAtTurn = new ArrayList<>();
        api.respondWith(request -> {
            int turn = request.json().path("messages").size() / 2 + 1;
            if (turn > 1) {
                approachSeenAtTurn.add(Files.exists(started) ? startedFile().approach() : "(no started file)");
            }
            return switch (turn) {
                case 1 -> FakeReply.answer(FakeReply.toolUse("t1", "list_files", "{\"path\":\".\"}"));
                case 2 -> FakeReply.answer(FakeReply.text("I will add src/backend/ping.js answering pong."),
                        FakeReply.toolUse("t2", "write_file",
                                "{\"path\":\"src/backend/ping.js\",\"content\":\"export const ping = () => 'pong';\\n\"}"));
                default -> FakeReply.answer(FakeReply.toolUse("t3", "complete_task", "{\"summary\":\"Added GET /ping.\"}"));
            };
        });

        TaskRun run = run();

        assertThat(run.outcome()).isInstanceOf(SessionOutcome.Completed.class);
        assertThat(approachSeenAtTurn.getFirst()).as("before the agent said anything").isEqualTo("not stated");
        StartedFile file = startedFile();
        assertThat(file.approach()).isEqualTo("I will add src/backend/ping.js answering pong.");
        assertThat(file.filesToTouch()).containsExactly("src/backend/ping.js");
        assertThat(file.started()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z").atOffset(ZoneOffset.UTC));
    }

    @Test
    void anAgentThatNeverStatesAnApproachLeavesNotStated() {
        api.respondWith(request -> request.json().path("messages").size() == 1
                ? FakeReply.answer(FakeReply.toolUse("t1", "list_files", "{\"path\":\".\"}"))
                : FakeReply.answer(FakeReply.toolUse("t2", "report_blocked",
                "{\"type\":\"unclear_requirements\",\"problem\":\"Which port?\",\"need\":\"Name the port\"}")));

        TaskRun run = run();

        assertThat(run.outcome()).isInstanceOf(SessionOutcome.Blocked.class);
        assertThat(startedFile().approach()).isEqualTo("not stated");
        assertThat(startedFile().filesToTouch()).isEmpty();
    }
}
