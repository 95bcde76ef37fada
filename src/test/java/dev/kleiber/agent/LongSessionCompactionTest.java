package dev.kleiber.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.git.GitRepository;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.PromptCache;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.llm.fake.RecordingBudget;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 60-turn session whose conversation would pass the model's context window: against a fake API that refuses a
 * prompt over its window, counts tokens, pairs tool calls with results and binds thinking blocks to their prefix,
 * the session compacts itself into the agent's summary before the window is reached and completes.
 */
class LongSessionCompactionTest {
    private static final String KEY = "sk-ant-test-COMPACTION-0123456789";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
    private static final long WINDOW = 30_000;
    private static final int TURNS = 60;

    @TempDir
    Path tmp;
    FakeMessagesApi api;
    RecordingBudget budget;
    AnthropicClient client;
    Path repo;

    @BeforeEach
    void setUp() throws IOException {
        api = FakeMessagesApi.start(KEY).preservedThinking(true).contextWindow(WINDOW);
        budget = new RecordingBudget();
        client = AnthropicClient.create(AnthropicSettings.fromEnv(Map.of(
                "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString())), budget, CLOCK);
        repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/\n");
        Files.createDirectories(repo.resolve("src/backend"));
        for (int i = 1; i <= TURNS; i++) {
            Files.writeString(repo.resolve("src/backend/module" + i + ".js"),
                    ("export function handle" + i + "(request) { return request.body; } // a line of realistic code\n").repeat(60));
        }
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "sample backend");
        // 58 turns read a module each (~1,400 tokens), then one writes and the last completes: ~80,000 tokens in all
        AtomicInteger turn = new AtomicInteger();
        api.respondWith(request -> {
            if (request.body().contains(Compactor.SUMMARY_REQUEST.substring(0, 40))) {
                return FakeReply.answer(FakeReply.text("SUMMARY-" + turn.get() + ": read src/backend/module1.js to module"
                        + turn.get() + ".js; each exports a handler returning the request body. Next: read the rest, "
                        + "then write src/backend/kyc.js."));
            }
            int n = turn.incrementAndGet();
            if (n == TURNS - 1) {
                return FakeReply.answer(FakeReply.toolUse("t" + n, "write_file",
                        "{\"path\":\"src/backend/kyc.js\",\"content\":\"export const kycStatus = () => 'pending';\\n\"}"));
            }
            if (n == TURNS) {
                return FakeReply.answer(FakeReply.toolUse("t" + n, "complete_task", "{\"summary\":\"Added kycStatus.\"}"));
            }
            return FakeReply.answer(FakeReply.text("Reading module " + n + "."), FakeReply.toolUse("t" + n, "read_file",
                    "{\"path\":\"src/backend/module" + n + ".js\"}"));
        });
    }

    @AfterEach
    void tearDown() {
        client.close();
        api.close();
    }

    @Test
    void aSixtyTurnSessionCompactsBeforeTheWindowAndCompletes() {
        List<SessionCompaction> compactions = new ArrayList<>();

        TaskRun run = run(20_000, new AgentSession.Listener() {
            @Override
            public void onCompacted(SessionCompaction compaction) {
                compactions.add(compaction);
            }
        });

        assertThat(run.outcome()).as(run.outcome().toString()).isInstanceOf(SessionOutcome.Completed.class);
        assertThat(run.session().turns()).isEqualTo(TURNS);
        assertThat(compactions).hasSizeGreaterThanOrEqualTo(2).allSatisfy(c -> {
            assertThat(c.tokensBefore()).isGreaterThanOrEqualTo(20_000).isLessThanOrEqualTo(WINDOW);
            assertThat(c.tokensAfter()).isLessThan(c.tokensBefore() / 3);
            assertThat(c.messagesReplaced()).isGreaterThan(10);
        });
        assertThat(compactions.getFirst().describe()).startsWith("compacted the conversation at turn ");
        List<RecordedRequest> messages = api.requests().stream().filter(r -> r.path().equals("/v1/messages")).toList();
        assertThat(messages).allSatisfy(r -> assertThat(PromptCache.count(r.json())).isLessThanOrEqualTo(WINDOW));
        assertThat(api.requests()).anySatisfy(r -> assertThat(r.path()).isEqualTo("/v1/messages/count_tokens"));
        // after a compaction the task's first message carries the summary, and the kept turns follow unchanged
        RecordedRequest after = messages.getLast();
        JsonNode first = after.json().path("messages").get(0).path("content");
        assertThat(first.toString()).contains("Add a KYC status function").contains("SUMMARY-");
        assertThat(after.json().path("messages").size()).as("of the 119 the session had").isLessThan(30);
        assertThat(run.commit()).isPresent();
        assertThat(budget.open()).isEmpty();
    }

    @Test
    void withoutCompactionTheSameSessionOutgrowsTheWindow() {
        TaskRun run = run(Long.MAX_VALUE, AgentSession.Listener.NONE);

        assertThat(run.outcome()).isInstanceOfSatisfying(SessionOutcome.Failed.class,
                failed -> assertThat(failed.reason()).contains("prompt is too long"));
        assertThat(run.session().turns()).isLessThan(TURNS);
    }

    private TaskRun run(long compactAt, AgentSession.Listener listener) {
        GitRepository git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        Path worktree = git.addWorktree(repo.resolve(".kleiber/worktrees/feat-010"), "feature/feat-010-kyc", "main").path();
        // condensing old outputs is off (a huge limit): compaction alone must keep the session in the window
        TaskRunner runner = new TaskRunner(client, new SessionLimits(TURNS + 5, 4000, 10_000_000, 24_000, 100_000_000, 6,
                compactAt), CommandSandbox.Settings.defaults(), Map.of("ANTHROPIC_API_KEY", KEY), CLOCK);
        TaskRunner.Assignment assignment = new TaskRunner.Assignment(task(),
                new RoleSpec("engineer-backend", "You are ENGINEER-BACKEND.",
                        RolePermissions.blueprintDefault("engineer-backend")),
                Tier.SONNET, "claude-sonnet-5-5", "run-1", 1, repo, worktree, new GitRepository(worktree, tmp.resolve("m")));
        return runner.run(assignment, listener, event -> { });
    }

    private static TaskFile task() {
        String text = """
                # Task: feat-010
                Agent: engineer-backend
                Model: sonnet
                Priority: p1
                Created: 2026-12-07T11:00:00Z

                ## Description
                Add a KYC status function to the backend after reading every module.

                ## Acceptance Criteria
                - [ ] kycStatus returns the status
                """;
        return (TaskFile) ((ParseResult.Parsed) new ProtocolParser(Roles.BLUEPRINT).parse(text)).document();
    }
}
