package dev.kleiber.claudecode;

import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.CommandSandbox;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.RoleSpec;
import dev.kleiber.agent.SessionLimits;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.agent.TaskRun;
import dev.kleiber.agent.TaskRunner;
import dev.kleiber.config.ChangeLimits;
import dev.kleiber.git.GitRepository;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.FakeUsage;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.llm.fake.RecordingBudget;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Claude Code CLI ({@code claude -p}, installed from npm by {@code .ci/run}) as a Kleiber worker, pointed
 * through Kleiber's metering proxy at the fake Messages API, which scripts Claude Code's own Write, Edit, Read and
 * Bash tool calls in the streamed wire format.
 */
class ClaudeCodeCliTest {
    private static final String KEY = "sk-ant-test-CLAUDECODE-0123456789";
    private static final String ROUTED = "claude-sonnet-4-5";

    @TempDir
    Path tmp;
    Path repo;
    Path worktree;
    Path claude;
    FakeMessagesApi api;
    RecordingBudget budget = new RecordingBudget();
    List<FakeUsage> served = new CopyOnWriteArrayList<>();
    List<ClaudeCodeRun> runs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        claude = java.util.Arrays.stream(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, "claude"))
                .filter(Files::isExecutable).findFirst().orElse(Path.of("claude"));
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(Files.isExecutable(claude), "claude is not installed (.ci/run installs it)");
        }
        repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/\n");
        Files.createDirectories(repo.resolve("src/backend"));
        Files.writeString(repo.resolve("src/backend/app.js"), "export const app = 'shop';\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "sample backend");
        GitRepository git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        worktree = git.addWorktree(repo.resolve(".kleiber/worktrees/feat-001"), "feature/feat-001-kyc", "main").path();
        api = FakeMessagesApi.start(KEY);
    }

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    private TaskRun run() {
        return run(12);
    }

    private TaskRun run(int maxTurns) {
        return run(maxTurns, System.getenv());
    }

    private TaskRun run(int maxTurns, Map<String, String> kleibersEnvironment) {
        return run(maxTurns, kleibersEnvironment, RolePermissions.blueprintDefault("engineer-backend"));
    }

    private TaskRun run(int maxTurns, Map<String, String> kleibersEnvironment, RolePermissions role) {
        ClaudeCodeSettings settings = new ClaudeCodeSettings(claude, api.baseUrl(), KEY, maxTurns,
                Duration.ofMinutes(4), KleiberJvm.current(), CommandSandbox.Settings.defaults());
        TaskRunner runner = new TaskRunner(new ClaudeCodeEngine(settings, budget, kleibersEnvironment, runs::add), SessionLimits.of(12, 4000),
                CommandSandbox.Settings.defaults(), Map.of("ANTHROPIC_API_KEY", KEY), Clock.systemUTC(),
                ChangeLimits.DEFAULT);
        String text = """
                # Task: feat-001
                Agent: engineer-backend
                Model: sonnet
                Priority: p1
                Created: 2026-12-07T03:00:00Z

                ## Description
                Add a KYC status function to the backend.

                ## Acceptance Criteria
                - [ ] src/backend/kyc.js exports kycStatus
                """;
        TaskFile task = (TaskFile) ((ParseResult.Parsed) new ProtocolParser(Roles.BLUEPRINT).parse(text)).document();
        return runner.run(new TaskRunner.Assignment(task, new RoleSpec("engineer-backend", "You are ENGINEER-BACKEND.",
                        role), Tier.SONNET, ROUTED, "run-1", 1, repo,
                worktree, new GitRepository(worktree, tmp.resolve("m"))), AgentSession.Listener.NONE, event -> {
        });
    }

    /** The model's turn in Claude Code's main conversation: one more than the assistant messages it sends back. */
    private static int turn(RecordedRequest request) {
        int assistant = 0;
        for (var message : request.json().path("messages")) {
            if (message.path("role").asText().equals("assistant")) {
                assistant++;
            }
        }
        return assistant + 1;
    }

    private void script(Function<Integer, FakeReply.Answer> byTurn) {
        api.respondWith(request -> {
            FakeReply.Answer answer = request.json().path("tools").isEmpty()
                    ? FakeReply.answer(FakeReply.text("ok")) : byTurn.apply(turn(request));
            FakeUsage usage = new FakeUsage(1000 + 10L * served.size(), 50 + served.size(), 0, 0, 0);
            served.add(usage);
            return answer.withUsage(usage);
        });
    }

    private String file(String relative) {
        return worktree.resolve(relative).toString();
    }

    /** What Claude Code sent back to the model as the result of tool call {@code id}, as text. */
    private String toolResult(String id) {
        for (RecordedRequest request : messages()) {
            for (var message : request.json().path("messages")) {
                for (var block : message.path("content")) {
                    if (block.path("type").asText().equals("tool_result") && block.path("tool_use_id").asText().equals(id)) {
                        return block.path("content").isTextual() ? block.path("content").asText() : block.path("content").toString();
                    }
                }
            }
        }
        throw new AssertionError("no result of tool call " + id + " reached the API: " + runs);
    }

    private List<RecordedRequest> messages() {
        return api.requests().stream().filter(r -> r.path().equals("/v1/messages")).toList();
    }

    /**
     * The role also writes files that no folder holds ({@code src/**}{@code /*.test.js}, {@code openapi.yaml}): the
     * sandbox gives Claude Code the folders they lie in and the hook judges each file. The agent's Bash then tries
     * to forge and erase the record of what the hook denied, where a hook's log would be; the record is Kleiber's own.
     */
    @Test
    void aTaskCompletesThroughClaudeCodeOnTheRoutedModelMeteredAndGuarded() throws IOException {
        RolePermissions backend = RolePermissions.blueprintDefault("engineer-backend");
        List<dev.kleiber.agent.Glob> globs = new ArrayList<>(backend.writeGlobs());
        globs.add(dev.kleiber.agent.Glob.path("src/**/*.test.js"));
        globs.add(dev.kleiber.agent.Glob.path("openapi.yaml"));
        RolePermissions role = new RolePermissions(backend.role(), backend.tools(), globs, backend.readGlobs(),
                backend.commandPatterns());
        String forge = "env | sort; for f in $(find /tmp \"$HOME\" -name '*.jsonl' 2>/dev/null) \"$HOME/denials.jsonl\"; do "
                + "echo '{\"tool\":\"Write\",\"reason\":\"forged\"}' > \"$f\" && echo FORGED-$f; done; "
                + "(echo x >> .git) 2>/dev/null && echo WROTE-DOTGIT || echo DENIED-DOTGIT";
        script(turn -> switch (turn) {
            case 1 -> FakeReply.answer(FakeReply.text("I will add src/backend/kyc.js."), FakeReply.toolUse("w1", "Write",
                    "{\"file_path\":\"" + file("src/backend/kyc.js") + "\",\"content\":\"export const kycStatus = () => 'new';\\n\"}"),
                    FakeReply.toolUse("w3", "Write", "{\"file_path\":\"" + file("src/frontend/kyc.test.js")
                            + "\",\"content\":\"test('kyc', () => {});\\n\"}"),
                    FakeReply.toolUse("w4", "Write", "{\"file_path\":\"" + file("openapi.yaml")
                            + "\",\"content\":\"openapi: 3.1.0\\n\"}"));
            case 2 -> FakeReply.answer(FakeReply.toolUse("w2", "Write",
                    "{\"file_path\":\"" + file("src/frontend/Evil.tsx") + "\",\"content\":\"evil\\n\"}"));
            case 3 -> FakeReply.answer(FakeReply.toolUse("b1", "Bash",
                    "{\"command\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(forge)
                            + ",\"description\":\"Show the environment\"}"));
            case 4 -> FakeReply.answer(FakeReply.toolUse("r1", "Read", "{\"file_path\":\"" + file("src/backend/kyc.js") + "\"}"));
            case 5 -> FakeReply.answer(FakeReply.toolUse("e1", "Edit", "{\"file_path\":\"" + file("src/backend/kyc.js")
                    + "\",\"old_string\":\"'new'\",\"new_string\":\"'pending'\"}"));
            default -> FakeReply.answer(FakeReply.text("Added kycStatus in src/backend/kyc.js."));
        });

        TaskRun run = run(12, System.getenv(), role);

        assertThat(run.session().outcome()).as(runs.toString()).isInstanceOf(SessionOutcome.Completed.class);
        assertThat(run.commit()).isPresent();
        assertThat(worktree.resolve("src/backend/kyc.js")).hasContent("export const kycStatus = () => 'pending';");
        assertThat(worktree.resolve("src/frontend/Evil.tsx")).doesNotExist();
        assertThat(run.filesChanged()).extracting(c -> c.path())
                .containsExactlyInAnyOrder("src/backend/kyc.js", "src/frontend/kyc.test.js", "openapi.yaml");
        assertThat(toolResult("b1")).contains("DENIED-DOTGIT").doesNotContain("WROTE-DOTGIT");
        // the protocol as for Kleiber's own agents: the started file with the approach, the commit's trailers, the
        // done file with the files from the real diff and the tokens the ledger billed
        assertThat(repo.resolve("progress/engineer-backend/feat-001-started.md")).content()
                .contains("# Started: feat-001").contains("I will add src/backend/kyc.js.").contains("- src/backend/kyc.js");
        assertThat(GitRepos.git(worktree, "log", "-1", "--format=%B")).contains("Kleiber-Task: feat-001")
                .contains("Kleiber-Attempt: 1").contains("Kleiber-Model: " + ROUTED);
        dev.kleiber.protocol.CompleteFile done = (dev.kleiber.protocol.CompleteFile) ((ParseResult.Parsed) new ProtocolParser(
                Roles.BLUEPRINT).parse(Files.readString(repo.resolve("complete/engineer-backend/feat-001-done.md")))).document();
        assertThat(done.filesChanged()).extracting(c -> c.path())
                .containsExactlyInAnyOrder("src/backend/kyc.js", "src/frontend/kyc.test.js", "openapi.yaml");
        assertThat(done.tokens().input()).isEqualTo(served.stream().mapToLong(FakeUsage::input).sum());
        assertThat(done.tokens().output()).isEqualTo(served.stream().mapToLong(FakeUsage::output).sum());
        // the hook denied the out-of-role write, and said why to the model; Kleiber's record of it is the one line,
        // whatever the agent's Bash wrote
        ClaudeCodeRun session = runs.getFirst();
        assertThat(session.denials()).singleElement().asString().startsWith("Write: ")
                .contains("may not write 'src/frontend/Evil.tsx'");
        assertThat(messages().stream().map(RecordedRequest::body)).anyMatch(body -> body.contains("Kleiber: role engineer-backend may not write"));
        // the prompt is the role's rules and the task file as it states it
        assertThat(messages().stream().filter(r -> !r.json().path("tools").isEmpty()).findFirst().orElseThrow().body())
                .contains("You are ENGINEER-BACKEND.", "Add a KYC status function to the backend.",
                        "src/backend/kyc.js exports kycStatus", "# Task: feat-001");
        // every request asked for the routed model, with Kleiber's key only upstream
        assertThat(messages()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.json().path("model").asText()).isEqualTo(ROUTED);
            assertThat(r.credential()).contains(KEY);
        });
        // the agent's environment held the proxy's token, never the key
        String envListing = messages().stream().map(RecordedRequest::body).filter(b -> b.contains("ANTHROPIC_BASE_URL="))
                .findFirst().orElseThrow();
        assertThat(envListing).contains("ANTHROPIC_API_KEY=kleiber-proxy-").doesNotContain(KEY);
        // the ledger's figures are the fake's usage, call for call
        TokenUsage settled = budget.settled().stream().map(s -> s.result().usage()).reduce(TokenUsage.NONE, TokenUsage::plus);
        long input = served.stream().mapToLong(FakeUsage::input).sum();
        long output = served.stream().mapToLong(FakeUsage::output).sum();
        assertThat(settled).isEqualTo(new TokenUsage(input, output, 0, 0, 0));
        assertThat(budget.settled()).hasSize(served.size());
        assertThat(budget.open()).isEmpty();
        assertThat(run.session().usage()).isEqualTo(settled);
        assertThat(session.reportedCostUsd()).as("Claude Code's own figure, kept beside the ledger's").isPresent();
    }

    /**
     * The whole CLI runs in Kleiber's sandbox: its Bash reaches neither a listener on the host's loopback nor the
     * upstream API (the only network is the bridge to the proxy), writes nothing outside the role's folders (the rest
     * of the worktree is read-only, the main checkout and the host's folders are not there), and sees no home.
     */
    @Test
    void claudeCodesBashHasNoNetworkButTheProxyAndWritesOnlyTheRolesFolders() throws IOException {
        Path outside = Files.createTempDirectory(Path.of("/var/tmp"), "kleiber-outside-");
        try (java.net.ServerSocket host = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String attacks = String.join("; ",
                    "for t in 127.0.0.1/" + host.getLocalPort() + " 127.0.0.1/" + api.baseUrl().getPort()
                            + "; do (exec 3<>/dev/tcp/$t) 2>/dev/null && echo NET-OPEN-$t || echo NET-CLOSED-$t; done",
                    "(echo x > src/frontend/leak.txt) 2>/dev/null && echo WROTE-FRONTEND || echo DENIED-FRONTEND",
                    "(cat " + repo.resolve("src/backend/app.js") + ") >/dev/null 2>&1 && echo MAIN-SEEN || echo MAIN-HIDDEN",
                    "(echo x > " + repo.resolve(".git/hooks/post-commit") + ") 2>/dev/null && echo WROTE-GIT || echo DENIED-GIT",
                    "(echo x > " + outside.resolve("leak.txt") + ") 2>/dev/null && echo WROTE-HOST || echo DENIED-HOST",
                    "(ls " + System.getProperty("user.home") + " >/dev/null 2>&1) && echo HOME-SEEN || echo HOME-HIDDEN",
                    "echo 'export const fromBash = 1;' > src/backend/fromBash.js && echo WROTE-ROLE-FOLDER");
            script(turn -> switch (turn) {
                case 1 -> FakeReply.answer(FakeReply.toolUse("b1", "Bash",
                        "{\"command\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(attacks)
                                + ",\"description\":\"Probe the sandbox\"}"));
                case 2 -> FakeReply.answer(FakeReply.toolUse("w1", "Write", "{\"file_path\":\""
                        + file("src/backend/kyc.js") + "\",\"content\":\"export const kycStatus = () => 'new';\\n\"}"));
                default -> FakeReply.answer(FakeReply.text("Added kycStatus."));
            });

            TaskRun run = run();

            String results = toolResult("b1");
            assertThat(results).contains("NET-CLOSED-127.0.0.1/" + host.getLocalPort(),
                    "NET-CLOSED-127.0.0.1/" + api.baseUrl().getPort(), "DENIED-FRONTEND", "MAIN-HIDDEN", "DENIED-GIT",
                    "DENIED-HOST", "HOME-HIDDEN")
                    .doesNotContain("NET-OPEN", "WROTE-FRONTEND", "MAIN-SEEN", "WROTE-GIT", "WROTE-HOST", "HOME-SEEN");
            host.setSoTimeout(200);
            org.assertj.core.api.Assertions.assertThatThrownBy(host::accept)
                    .as("nothing in the sandbox reached the host's loopback").isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(repo.resolve(".git/hooks/post-commit")).doesNotExist();
            assertThat(outside.resolve("leak.txt")).doesNotExist();
            assertThat(worktree.resolve("src/frontend/leak.txt")).doesNotExist();
            // the task still completed, through the proxy, with what Bash wrote in the role's folder
            assertThat(run.session().outcome()).as(runs.toString()).isInstanceOf(SessionOutcome.Completed.class);
            assertThat(run.filesChanged()).extracting(c -> c.path())
                    .containsExactlyInAnyOrder("src/backend/fromBash.js", "src/backend/kyc.js");
            assertThat(messages()).allSatisfy(r -> assertThat(r.credential()).contains(KEY));
            assertThat(budget.settled()).hasSize(served.size());
        } finally {
            Files.deleteIfExists(outside.resolve("leak.txt"));
            Files.delete(outside);
        }
    }

    @Test
    void withoutAHardenedSandboxClaudeCodeIsNotStarted() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("no-tools"));

        TaskRun run = run(12, Map.of("PATH", empty.toString()));

        assertThat(run.session().outcome()).isInstanceOfSatisfying(SessionOutcome.Failed.class, failed -> {
            assertThat(failed.reason()).startsWith("Claude Code is not started: the sandbox cannot be hardened here")
                    .contains("bwrap");
            assertThat(failed.cause()).isInstanceOf(SessionOutcome.EnvironmentFault.class);
        });
        assertThat(api.requests()).as("nothing reached the API").isEmpty();
        assertThat(run.commit()).isEmpty();
    }

    @Test
    void aBudgetLimitStopsTheSessionMidway() {
        budget.grantOnly(2);
        script(turn -> FakeReply.answer(FakeReply.toolUse("b" + turn, "Bash",
                "{\"command\":\"echo turn " + turn + "\",\"description\":\"Say which turn\"}")));

        TaskRun run = run();

        assertThat(run.session().outcome()).as(runs.toString()).isInstanceOfSatisfying(SessionOutcome.Failed.class,
                failed -> assertThat(failed.cause()).isInstanceOf(SessionOutcome.BudgetStop.class));
        assertThat(messages()).hasSize(2);
        assertThat(budget.settled()).hasSize(2);
        assertThat(runs.getFirst().refusals()).first().isInstanceOf(ProxyRefusal.Budget.class);
    }

    @Test
    void theTurnLimitIsAFailedAttempt() {
        script(turn -> FakeReply.answer(FakeReply.toolUse("b" + turn, "Bash",
                "{\"command\":\"echo turn " + turn + "\",\"description\":\"Say which turn\"}")));

        TaskRun run = run(2);

        assertThat(runs.getFirst().resultSubtype()).contains("error_max_turns");
        assertThat(run.session().outcome()).isInstanceOfSatisfying(SessionOutcome.Failed.class, failed -> {
            assertThat(failed.cause()).isInstanceOf(SessionOutcome.AgentFault.class);
            assertThat(failed.reason()).contains("turn limit");
        });
    }

    @Test
    void anApiErrorInsideASuccessResultIsAFailedAttemptNotACompletedTask() {
        api.respondWith(request -> FakeReply.error(400, "invalid_request_error", "messages: text content blocks must be non-empty"));

        TaskRun run = run();

        assertThat(runs.getFirst().resultSubtype()).contains("success");
        assertThat(run.session().outcome()).isInstanceOfSatisfying(SessionOutcome.Failed.class, failed -> {
            assertThat(failed.cause()).isInstanceOf(SessionOutcome.AgentFault.class);
            assertThat(failed.reason()).startsWith("Claude Code ended on an API error");
        });
        assertThat(repo.resolve("complete/engineer-backend/feat-001-done.md")).doesNotExist();
    }
}
