package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TASK = """
            # Task: feat-001
            Agent: engineer-backend
            Model: sonnet
            Priority: p1
            Created: 2025-01-09T14:30:00Z

            ## Description
            Implement webhook handler with integration tests.

            ## Acceptance Criteria
            - [ ] Handler verifies the signature
            - [x] Failed deliveries are retried

            ## Context
            Related to feat-000.

            ## Constraints
            Do not touch src/frontend/*.
            """;

    private static final String DONE = """
            # Complete: feat-001
            Agent: engineer-backend
            Completed: 2025-01-09T16:05:00+01:00
            Model Used: haiku
            Tokens: 15000/8000

            ## Summary
            Webhook handler.

            ## Files Changed
            - src/backend/webhooks.ts (created)

            ## Tests Added
            - test/webhooks.test.ts

            ## Decisions Made
            - Chose HMAC over tokens because the provider signs

            ## Ready for Review
            - [x] Tests pass locally
            """;

    private static final String STARTED = """
            # Started: feat-001
            Agent: engineer-backend
            Started: 2025-01-09T14:35:00Z
            Estimated: 2h

            ## Approach
            Express route.

            ## Files I'll Touch
            - src/backend/webhooks.ts
            """;

    private static final String BUDGET = """
            # Blocked: budget-2026-11-25
            Agent: conductor
            Blocked Since: 2026-11-25T10:00:00Z
            Type: technical

            ## Problem
            Daily spend passed $50.

            ## Attempted Solutions
            1. Paused new tasks

            ## Need From Conductor
            Approve more spend.
            """;

    @TempDir
    Path dir;
    Path repo;

    @BeforeEach
    void repository() throws IOException {
        repo = GitRepos.init(Files.createDirectories(dir.resolve("repo")));
    }

    private Path write(String relative, String text) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private Path writeAllValid() throws IOException {
        write("tasks/engineer-backend/feat-001.md", TASK);
        write("progress/engineer-backend/feat-001-started.md", STARTED);
        write("complete/engineer-backend/feat-001-done.md", DONE);
        return write("blocked/conductor/budget-2026-11-25-conflict.md", BUDGET);
    }

    @Test
    void checkFindsTheProtocolFoldersFromASubfolderOfTheRepository() throws IOException {
        writeAllValid();
        Path sub = Files.createDirectories(repo.resolve("src/deep"));

        Cli.Result result = new Cli(sub).run("protocol", "check");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("checked 4 files: all valid\n");
    }

    @Test
    void checkPrintsEachProblemAsPathLineMessageAndExitsOne() throws IOException {
        writeAllValid();
        write("tasks/engineer-frontend/feat-002.md", TASK.replace("feat-001", "feat-002")
                .replace("Agent: engineer-backend", "Agent: engineer-frontend").replace("Model: sonnet", "Model: gpt4")
                .replace("Priority: p1", "Priority: p9"));

        Cli.Result result = new Cli(repo).run("protocol", "check");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEqualTo("""
                tasks/engineer-frontend/feat-002.md:3: Model must be one of opus, sonnet, haiku; found 'gpt4'
                tasks/engineer-frontend/feat-002.md:4: Priority must be one of p0, p1, p2; found 'p9'
                checked 5 files: 1 invalid
                """);
    }

    @Test
    void checkJsonIsOneArrayWithKindValidityAndErrors() throws IOException {
        write("complete/engineer-backend/feat-001-done.md", DONE);
        write("complete/engineer-backend/feat-002-done.md", DONE.replace("feat-001", "feat-002")
                .replace("Tokens: 15000/8000", "Tokens: lots"));
        write("tasks/notes.md", "# Notes\n");

        Cli.Result result = new Cli(repo).run("protocol", "check", "--json");

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode json = JSON.readTree(result.out());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(3);
        assertThat(json.get(0).get("path").asText()).isEqualTo("tasks/notes.md");
        assertThat(json.get(0).get("kind").isNull()).isTrue();
        assertThat(json.get(0).get("errors").get(0).get("message").asText()).startsWith("cannot tell what kind");
        assertThat(json.get(1).toString()).isEqualTo("{\"path\":\"complete/engineer-backend/feat-001-done.md\","
                + "\"kind\":\"complete\",\"valid\":true,\"errors\":[]}");
        assertThat(json.get(2).toString()).isEqualTo("{\"path\":\"complete/engineer-backend/feat-002-done.md\","
                + "\"kind\":\"complete\",\"valid\":false,\"errors\":[{\"line\":5,\"message\":\"Tokens must be "
                + "{input}/{output} as whole numbers, e.g. 'Tokens: 15000/8000'; found 'lots'\"}]}");
    }

    @Test
    void checkTakesFilesAndFoldersAndSkipsHiddenFiles() throws IOException {
        writeAllValid();
        write("tasks/engineer-backend/.feat-001.md.123.tmp", "half a fi");
        write("tasks/engineer-backend/.#feat-001.md", "editor lock");

        Cli.Result result = new Cli(repo.resolve("tasks")).run("protocol", "check", ".",
                "../complete/engineer-backend/feat-001-done.md");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("checked 2 files: all valid\n");
    }

    @Test
    void checkOutsideARepositoryWithoutPathsIsBadUsage() {
        Cli.Result result = new Cli(dir).run("protocol", "check");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("kleiber: not inside a git repository").contains("name the files or folders");
    }

    @Test
    void checkOfAMissingPathIsBadUsage() {
        Cli.Result result = new Cli(repo).run("protocol", "check", "tasks/nope");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("kleiber: no such file or folder: tasks/nope\n");
    }

    @Test
    void checkRefusesSymbolicLinksAndOversizedFiles() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.md"), TASK);
        Files.createDirectories(repo.resolve("tasks/engineer-backend"));
        Files.createSymbolicLink(repo.resolve("tasks/engineer-backend/feat-001.md"), secret);
        write("tasks/engineer-backend/feat-003.md", TASK.replace("feat-001", "feat-003") + "x".repeat(300_000));

        Cli.Result result = new Cli(repo).run("protocol", "check");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("tasks/engineer-backend/feat-001.md:1: cannot read the file: ")
                .contains("is a symbolic link; protocol files must be regular files")
                .contains("tasks/engineer-backend/feat-003.md:1: the file is larger than 256 KiB");
    }

    @Test
    void checkUsesTheProjectsAgentDefinitionsWhenItHasThem() throws IOException {
        write(".kleiber/agents/data-engineer.md", "---\nname: data-engineer\n---\nprompt\n");
        write("tasks/data-engineer/feat-001.md", TASK.replace("Agent: engineer-backend", "Agent: data-engineer"));
        write("tasks/engineer-backend/feat-001.md", TASK);
        writeAllValid();

        Cli.Result result = new Cli(repo).run("protocol", "check", "tasks");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEqualTo("tasks/engineer-backend/feat-001.md:2: Agent must be one of conductor, "
                + "data-engineer; found 'engineer-backend'\nchecked 2 files: 1 invalid\n");
        assertThat(ProtocolCommand.knownRoles(java.util.Optional.of(repo))).containsExactly("conductor", "data-engineer");
    }

    @Test
    void showJsonPrintsTheTaskWithTheBlueprintsLabels() throws IOException {
        write("tasks/engineer-backend/feat-001.md", TASK);

        Cli.Result result = new Cli(repo).run("protocol", "show", "--json", "tasks/engineer-backend/feat-001.md");

        assertThat(result.exitCode()).isZero();
        assertThat(JSON.readTree(result.out())).isEqualTo(JSON.readTree("""
                {"kind":"task","taskId":"feat-001","agent":"engineer-backend","model":"sonnet","priority":"p1",
                 "created":"2025-01-09T14:30:00Z",
                 "description":"Implement webhook handler with integration tests.",
                 "acceptanceCriteria":[{"text":"Handler verifies the signature","done":false},
                                       {"text":"Failed deliveries are retried","done":true}],
                 "context":"Related to feat-000.","constraints":"Do not touch src/frontend/*.",
                 "extraFields":[],"extraSections":[]}
                """));
    }

    @Test
    void showJsonPrintsDoneStartedAndBlockedFiles() throws IOException {
        writeAllValid();
        Cli cli = new Cli(repo);

        JsonNode done = JSON.readTree(cli.run("protocol", "show", "--json", "complete/engineer-backend/feat-001-done.md").out());
        JsonNode started = JSON.readTree(cli.run("protocol", "show", "--json", "progress/engineer-backend/feat-001-started.md").out());
        JsonNode blocked = JSON.readTree(cli.run("protocol", "show", "--json", "blocked/conductor/budget-2026-11-25-conflict.md").out());

        assertThat(done.get("completed").asText()).isEqualTo("2025-01-09T16:05:00+01:00");
        assertThat(done.get("modelUsed").asText()).isEqualTo("haiku");
        assertThat(done.get("tokens").toString()).isEqualTo("{\"input\":15000,\"output\":8000}");
        assertThat(done.get("filesChanged").toString()).isEqualTo("[{\"path\":\"src/backend/webhooks.ts\",\"change\":\"created\"}]");
        assertThat(done.get("testsAdded").toString()).isEqualTo("[\"test/webhooks.test.ts\"]");
        assertThat(done.get("decisions").toString()).isEqualTo("[\"Chose HMAC over tokens because the provider signs\"]");
        assertThat(done.get("readyForReview").toString()).isEqualTo("[{\"text\":\"Tests pass locally\",\"done\":true}]");
        assertThat(done.get("summary").asText()).isEqualTo("Webhook handler.");
        assertThat(started.get("started").asText()).isEqualTo("2025-01-09T14:35:00Z");
        assertThat(started.get("estimated").asText()).isEqualTo("2h");
        assertThat(started.get("approach").asText()).isEqualTo("Express route.");
        assertThat(started.get("filesToTouch").toString()).isEqualTo("[\"src/backend/webhooks.ts\"]");
        assertThat(blocked.get("taskId").asText()).isEqualTo("budget-2026-11-25");
        assertThat(blocked.get("blockedSince").asText()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(blocked.get("type").asText()).isEqualTo("technical");
        assertThat(blocked.get("problem").asText()).isEqualTo("Daily spend passed $50.");
        assertThat(blocked.get("attemptedSolutions").toString()).isEqualTo("[\"Paused new tasks\"]");
        assertThat(blocked.get("needFromConductor").asText()).isEqualTo("Approve more spend.");
    }

    @Test
    void showWithoutJsonPrintsTheCanonicalLayout() throws IOException {
        write("tasks/engineer-backend/feat-001.md", TASK.replace("\n", "\r\n").replace("## Context", "## CONTEXT"));

        Cli.Result result = new Cli(repo).run("protocol", "show", "tasks/engineer-backend/feat-001.md");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(TASK);
    }

    @Test
    void showOfAnInvalidFilePrintsItsProblemsAndExitsTwo() throws IOException {
        write("tasks/engineer-backend/feat-001.md", TASK.replace("Created: 2025-01-09T14:30:00Z", "Created: yesterday"));

        Cli.Result result = new Cli(repo).run("protocol", "show", "--json", "tasks/engineer-backend/feat-001.md");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("tasks/engineer-backend/feat-001.md:5: Created must be an ISO-8601 timestamp "
                + "with an offset, e.g. 2025-01-09T14:30:00Z; found 'yesterday'\n"
                + "kleiber: tasks/engineer-backend/feat-001.md is not a valid protocol file\n");
    }

    @Test
    void showOfAMissingOrMisplacedFileIsBadUsage() throws IOException {
        write("notes/feat-001.md", TASK);
        Cli cli = new Cli(repo);

        Cli.Result missing = cli.run("protocol", "show", "--json", "tasks/engineer-backend/nope.md");
        Cli.Result misplaced = cli.run("protocol", "show", "--json", "notes/feat-001.md");

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("kleiber: no such file: tasks/engineer-backend/nope.md\n");
        assertThat(misplaced.exitCode()).isEqualTo(2);
        assertThat(misplaced.err()).startsWith("kleiber: notes/feat-001.md: cannot tell what kind of protocol file");
    }

    @Test
    void helpListsBothSubcommands() {
        Cli.Result result = new Cli(repo).run("protocol", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("check").contains("show");
    }

    @Test
    void protocolWithoutASubcommandIsBadUsage() {
        Cli.Result result = new Cli(repo).run("protocol");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing subcommand");
    }
}
