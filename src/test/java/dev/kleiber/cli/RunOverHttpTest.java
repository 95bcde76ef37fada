package dev.kleiber.cli;

import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kleiber run --plan} against the fake Messages API through the real SDK: what a person sees and keeps. */
class RunOverHttpTest {
    private static final String KEY = "sk-ant-test-RUNHTTP-0123456789";
    private static final String PLAN = """
            tasks:
              - id: doc-001
                title: Getting started notes
                agent: scribe
                description: Write docs/getting-started.md for new contributors.
                acceptance: [docs/getting-started.md explains how to run the tests]
                priority: p2
            """;

    @TempDir
    Path tmp;
    Path repo;
    FakeMessagesApi api;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Files.writeString(repo.resolve("plan.yaml"), PLAN);
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
        api = FakeMessagesApi.start(KEY);
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private Cli cli() {
        return new Cli(new CliContext(repo, Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString(),
                "PATH", System.getenv("PATH")), Clock.systemUTC()));
    }

    @Test
    void anOverloadedApiIsShownAsRetryProgressWhileTheRunGoesOn() {
        api.enqueue(FakeReply.error(529, "overloaded_error", "Overloaded").withHeader("retry-after-ms", "100"));
        api.respondWith(request -> request.json().path("messages").size() == 1
                ? FakeReply.answer(FakeReply.toolUse("t1", "write_file",
                "{\"path\":\"docs/getting-started.md\",\"content\":\"# Getting started\\n\\nRun the tests.\\n\"}"))
                : FakeReply.answer(FakeReply.toolUse("t2", "complete_task", "{\"summary\":\"Wrote the notes.\"}")));

        Cli.Result run = cli().run("run", "--plan", "plan.yaml", "--no-board");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("doc-001: API overloaded, retrying in 0.1 s (attempt 2 of 6): HTTP 529 overloaded_error")
                .contains("every task is merged.");
        assertThat(run.out() + run.err()).doesNotContain(KEY);
        assertThat(GitRepos.git(repo, "status", "--porcelain", "--untracked-files=all")).as("left uncommitted").isEmpty();
        assertThat(GitRepos.git(repo, "log", "-1", "--format=%B", "main")).startsWith("kleiber: records of run ")
                .contains("Kleiber-Run: run-");
        assertThat(GitRepos.git(repo, "show", "--stat", "--format=", "main")).contains("CHANGELOG.md")
                .contains("PROGRESS.md").contains("orchestration_log.md");
    }
}
