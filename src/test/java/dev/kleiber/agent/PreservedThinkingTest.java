package dev.kleiber.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.llm.AnthropicClient;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.ContentBlock;
import dev.kleiber.llm.LlmCallException;
import dev.kleiber.llm.LlmRequest;
import dev.kleiber.llm.LlmResponse;
import dev.kleiber.llm.Message;
import dev.kleiber.llm.Role;
import dev.kleiber.llm.StreamListener;
import dev.kleiber.llm.ThinkingBinding;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Today's models (Opus, Sonnet and Haiku 5.5) think on every turn and bind each thinking block to the request
 * before it. Against a fake API that does the same: the agent loop sends every block back unchanged, and when it
 * condenses old tool outputs it drops the thinking those outputs were bound to, so the API never refuses a turn.
 */
class PreservedThinkingTest {
    private static final String KEY = "sk-ant-test-THINKING-0123456789";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    FakeMessagesApi api;
    RecordingBudget budget;
    AnthropicClient client;

    @BeforeEach
    void setUp() {
        api = FakeMessagesApi.start(KEY).preservedThinking(true);
        budget = new RecordingBudget();
        client = AnthropicClient.create(AnthropicSettings.fromEnv(Map.of(
                "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString())), budget, CLOCK);
    }

    @AfterEach
    void tearDown() {
        client.close();
        api.close();
    }

    @Test
    void aThinkingAnswerIsKeptWithItsSignatureAndAcceptedBackUnchanged() {
        api.enqueue(FakeReply.answer(FakeReply.thinking("Plan: read then answer."), FakeReply.text("First.")),
                FakeReply.answer(FakeReply.text("Second.")));
        List<Message> conversation = new ArrayList<>(List.of(Message.user("Hello")));

        LlmResponse first = send(conversation);
        assertThat(first.content().getFirst()).isInstanceOfSatisfying(ContentBlock.Thinking.class, thinking -> {
            assertThat(thinking.thinking()).isEqualTo("Plan: read then answer.");
            assertThat(thinking.signature()).startsWith("sig_");
        });
        assertThat(first.text()).isEqualTo("First.");
        conversation.add(new Message(Role.ASSISTANT, first.content()));
        conversation.add(Message.user("Go on"));

        assertThat(send(conversation).text()).isEqualTo("Second.");
        JsonNode sentBack = api.requests().get(1).json().path("messages").get(1).path("content").get(0);
        assertThat(sentBack.path("type").asText()).isEqualTo("thinking");
        assertThat(sentBack.path("signature").asText()).isEqualTo(
                ((ContentBlock.Thinking) first.content().getFirst()).signature());
    }

    @Test
    void anEditedPrefixIsRefusedByTheApiUntilTheBoundThinkingIsDropped() {
        api.enqueue(FakeReply.answer(FakeReply.text("Reading.")));
        List<Message> conversation = new ArrayList<>(List.of(Message.user("Read the file")));
        conversation.add(new Message(Role.ASSISTANT, send(conversation).content()));
        conversation.add(Message.user("Here is its content: a long output"));
        conversation.add(new Message(Role.ASSISTANT, send(conversation).content()));
        conversation.add(Message.user("Continue"));
        conversation.set(2, Message.user("[older output condensed]"));

        assertThatThrownBy(() -> send(conversation)).isInstanceOf(LlmCallException.class)
                .hasMessageContaining("bound to a different conversation");

        assertThat(ThinkingBinding.dropFrom(conversation, 2)).isEqualTo(1);
        assertThat(send(conversation).text()).startsWith("fake answer");
    }

    @Test
    void aLongSessionThatCondensesOldOutputsCompletesOnAThinkingModel() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/\n");
        Files.createDirectories(repo.resolve("src/backend"));
        for (int i = 1; i <= 12; i++) {
            Files.writeString(repo.resolve("src/backend/module" + i + ".js"),
                    ("export function handle" + i + "(request) { return request.body; } // a line of realistic code\n").repeat(60));
        }
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "sample backend");
        GitRepository git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        api.respondWith(request -> {
            int turn = request.json().path("messages").size() / 2 + 1;
            if (turn == 13) {
                return FakeReply.answer(FakeReply.toolUse("t13", "write_file",
                        "{\"path\":\"src/backend/kyc.js\",\"content\":\"export const kycStatus = () => 'pending';\\n\"}"));
            }
            if (turn == 14) {
                return FakeReply.answer(FakeReply.toolUse("t14", "complete_task", "{\"summary\":\"Added kycStatus.\"}"));
            }
            return FakeReply.answer(FakeReply.toolUse("t" + turn, "read_file",
                    "{\"path\":\"src/backend/module" + turn + ".js\"}"));
        });
        Path worktree = git.addWorktree(repo.resolve(".kleiber/worktrees/feat-009"), "feature/feat-009-kyc", "main").path();
        // Condense once the conversation passes 20,000 characters, keeping the two latest outputs.
        TaskRunner runner = new TaskRunner(client, new SessionLimits(30, 4000, 4_000_000, 24_000, 20_000, 2,
                dev.kleiber.config.KleiberConfig.AgentLimits.DEFAULT_COMPACT_AT_TOKENS),
                CommandSandbox.Settings.defaults(), Map.of("ANTHROPIC_API_KEY", KEY), CLOCK);
        TaskRunner.Assignment assignment = new TaskRunner.Assignment(task(),
                new RoleSpec("engineer-backend", "You are ENGINEER-BACKEND.",
                        RolePermissions.blueprintDefault("engineer-backend")),
                Tier.SONNET, "claude-sonnet-5-5", "run-1", 1, repo, worktree, new GitRepository(worktree, tmp.resolve("m")));

        TaskRun run = runner.run(assignment, AgentSession.Listener.NONE, event -> { });

        assertThat(run.outcome()).isInstanceOf(SessionOutcome.Completed.class);
        assertThat(run.session().turns()).isEqualTo(14);
        List<RecordedRequest> requests = api.requests();
        RecordedRequest condensed = requests.stream()
                .filter(r -> r.body().contains("[older output condensed")).findFirst().orElseThrow();
        assertThat(thinkingBlocks(condensed)).as("thinking sent back after condensing")
                .isLessThan(condensed.json().path("messages").size() / 2);
        assertThat(thinkingBlocks(requests.getLast())).as("thinking of the turns since is sent back again").isPositive();
        assertThat(budget.open()).isEmpty();
    }

    private LlmResponse send(List<Message> conversation) {
        return client.send(new CallContext("run-1", "feat-001", 1, "engineer-backend", Tier.SONNET),
                LlmRequest.of("claude-sonnet-5-5", List.of(ContentBlock.Text.of("You are terse.")), List.of(),
                        List.copyOf(conversation), 1000), StreamListener.NONE);
    }

    private static int thinkingBlocks(RecordedRequest request) {
        int count = 0;
        for (JsonNode message : request.json().path("messages")) {
            for (JsonNode block : message.path("content")) {
                count += block.path("type").asText().equals("thinking") ? 1 : 0;
            }
        }
        return count;
    }

    private static TaskFile task() {
        String text = """
                # Task: feat-009
                Agent: engineer-backend
                Model: sonnet
                Priority: p1
                Created: 2026-12-06T11:00:00Z

                ## Description
                Add a KYC status function to the backend.

                ## Acceptance Criteria
                - [ ] kycStatus returns the status
                """;
        return (TaskFile) ((ParseResult.Parsed) new ProtocolParser(Roles.BLUEPRINT).parse(text)).document();
    }
}
