package dev.kleiber.agent;

import dev.kleiber.routing.Roles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kleiber.agent.Json.object;
import static org.assertj.core.api.Assertions.assertThat;

/** The file tools through the executor, on a real linked worktree. */
class ToolExecutorTest {
    @TempDir
    Path temp;

    private AgentWorktree wt;
    private RecordingEvents events;
    private ToolExecutor backend;

    @BeforeEach
    void setUp() {
        wt = AgentWorktree.create(temp);
        events = new RecordingEvents();
        backend = executor(RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND));
    }

    private ToolExecutor executor(RolePermissions permissions) {
        return ToolExecutor.open(wt.worktree(), permissions, Map.of("PATH", System.getenv("PATH")),
                CommandSandbox.Settings.defaults(), events);
    }

    private String ok(ToolResult result) {
        assertThat(result).as(result.text()).isInstanceOf(ToolResult.Ok.class);
        return result.text();
    }

    private String error(ToolResult result) {
        assertThat(result).as(result.text()).isInstanceOf(ToolResult.Error.class);
        return result.text();
    }

    private Path file(String relative) {
        return wt.worktree().resolve(relative);
    }

    @Test
    void readFileNumbersLinesAndPages() throws Exception {
        AgentWorktree.write(wt.worktree(), "src/backend/lines.txt",
                String.join("\n", java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(i -> "line " + i).toList()) + "\n");
        assertThat(ok(backend.execute("read_file", object("path", "src/backend/lines.txt"))))
                .startsWith("     1\tline 1\n").contains("    10\tline 10\n").doesNotContain("showing");
        assertThat(ok(backend.execute("read_file", object("path", "src/backend/lines.txt", "offset", 4, "limit", 2))))
                .isEqualTo("     4\tline 4\n     5\tline 5\n[showing lines 4-5 of 10; read on with offset=6]\n");
        assertThat(error(backend.execute("read_file", object("path", "src/backend/lines.txt", "offset", 11))))
                .contains("offset 11 is past the end", "10 lines");
        assertThat(events.last()).isInstanceOf(ToolEvent.Failed.class);
    }

    @Test
    void readFileCapsLongLinesAndHugeFiles() throws Exception {
        String longLine = "x".repeat(5000);
        AgentWorktree.write(wt.worktree(), "src/backend/long.txt", (longLine + "\n").repeat(100));
        String text = ok(backend.execute("read_file", object("path", "src/backend/long.txt")));
        assertThat(text.length()).isLessThanOrEqualTo(FileTools.MAX_OUTPUT_CHARS + 200);
        assertThat(text).contains("line cut: it has 5000 characters; read_file shows the first 2000").contains("of 100; read on with offset=");
    }

    @Test
    void readFileRefusesBinariesDirectoriesAndMissingFiles() throws Exception {
        Files.write(file("src/backend/logo.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 1});
        assertThat(error(backend.execute("read_file", object("path", "src/backend/logo.png")))).contains("binary");
        assertThat(error(backend.execute("read_file", object("path", "src/backend")))).contains("is a directory");
        assertThat(error(backend.execute("read_file", object("path", "src/backend/none.js"))))
                .contains("no file 'src/backend/none.js'");
    }

    @Test
    void listFilesSkipsGitKleiberAndSymlinksAndFiltersByPattern() {
        String all = ok(backend.execute("list_files", object()));
        assertThat(all.lines().toList()).contains("README.md", "src/backend/app.js", "src/frontend/ui.js",
                "tasks/engineer-backend/t1.md");
        assertThat(all).doesNotContain(".git", ".kleiber", "escape", "alias");
        assertThat(ok(backend.execute("list_files", object("pattern", "*.js"))).lines().toList())
                .containsExactly("src/backend/app.js", "src/frontend/ui.js");
        assertThat(ok(backend.execute("list_files", object("path", "src", "pattern", "frontend/**"))).lines().toList())
                .containsExactly("src/frontend/ui.js");
        assertThat(ok(backend.execute("list_files", object("pattern", "*.rs")))).contains("no files match");
        assertThat(error(backend.execute("list_files", object("path", "../t1-evil")))).contains("outside");
        assertThat(error(backend.execute("list_files", object("path", "README.md")))).contains("use read_file");
    }

    @Test
    void listFilesIsCapped() throws Exception {
        for (int i = 0; i < FileTools.MAX_LISTED_FILES + 25; i++) {
            Files.createDirectories(file("src/backend/gen"));
            Files.writeString(file("src/backend/gen/f" + i + ".js"), "");
        }
        String text = ok(backend.execute("list_files", object("path", "src/backend/gen")));
        assertThat(text.lines().filter(l -> l.startsWith("src/")).count()).isEqualTo(FileTools.MAX_LISTED_FILES);
        assertThat(text).contains("and 25 more files");
    }

    @Test
    void searchFindsLinesSkipsBinariesAndNamesBadPatterns() throws Exception {
        Files.write(file("src/backend/blob.bin"), "port\0port".getBytes(StandardCharsets.UTF_8));
        assertThat(ok(backend.execute("search", object("pattern", "port\\s*="))))
                .isEqualTo("src/backend/app.js:1: export const port = 8080;\n");
        assertThat(ok(backend.execute("search", object("pattern", "title", "path", "src/frontend/ui.js"))))
                .contains("src/frontend/ui.js:1:");
        assertThat(ok(backend.execute("search", object("pattern", "nothing-like-this")))).contains("no matches");
        assertThat(error(backend.execute("search", object("pattern", "(unclosed")))).contains("not a valid regular expression");
        assertThat(error(backend.execute("search", object("pattern", "x", "path", ".git")))).contains(".git");
    }

    @Test
    void searchIsCapped() throws Exception {
        AgentWorktree.write(wt.worktree(), "src/backend/many.txt", "hit\n".repeat(FileTools.MAX_SEARCH_MATCHES + 50));
        String text = ok(backend.execute("search", object("pattern", "hit")));
        assertThat(text.lines().filter(l -> l.contains(":hit") || l.endsWith(": hit")).count())
                .isEqualTo(FileTools.MAX_SEARCH_MATCHES);
        assertThat(text).contains("more matches not shown");
    }

    @Test
    void writeFileCreatesFoldersReplacesAtomicallyAndKeepsPermissions() throws Exception {
        assertThat(ok(backend.execute("write_file", object("path", "src/backend/api/routes.js", "content", "a\nb\n"))))
                .isEqualTo("Created src/backend/api/routes.js (4 bytes, 2 lines)");
        Files.setPosixFilePermissions(file("src/backend/api/routes.js"), PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(ok(backend.execute("write_file", object("path", "src/backend/api/routes.js", "content", "c"))))
                .startsWith("Replaced");
        assertThat(Files.readString(file("src/backend/api/routes.js"))).isEqualTo("c");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file("src/backend/api/routes.js"))))
                .isEqualTo("rwxr-x---");
        try (var leftovers = Files.list(file("src/backend/api"))) {
            assertThat(leftovers.map(p -> p.getFileName().toString()).toList()).containsExactly("routes.js");
        }
        assertThat(events.last()).isInstanceOfSatisfying(ToolEvent.Executed.class, e -> {
            assertThat(e.inputSummary()).isEqualTo("path=src/backend/api/routes.js content=1 chars");
            assertThat(e.outcome()).isEqualTo("replaced src/backend/api/routes.js, 1 bytes");
        });
    }

    @Test
    void editFileReplacesExactlyOneOccurrence() throws Exception {
        AgentWorktree.write(wt.worktree(), "src/backend/cfg.js", "a = 1;\nb = 1;\nc = 2;\n");
        assertThat(ok(backend.execute("edit_file", object("path", "src/backend/cfg.js",
                "old_text", "c = 2;", "new_text", "c = 3;\nd = 4;")))).contains("replaced 1 lines with 2 lines");
        assertThat(Files.readString(file("src/backend/cfg.js"))).isEqualTo("a = 1;\nb = 1;\nc = 3;\nd = 4;\n");
        assertThat(error(backend.execute("edit_file", object("path", "src/backend/cfg.js",
                "old_text", " = 1;", "new_text", " = 9;")))).contains("occurs 2 times", "more surrounding lines");
        assertThat(error(backend.execute("edit_file", object("path", "src/backend/cfg.js",
                "old_text", "z = 0;", "new_text", "")))).contains("old_text was not found");
        assertThat(error(backend.execute("edit_file", object("path", "src/backend/none.js",
                "old_text", "a", "new_text", "b")))).contains("no file", "write_file");
        assertThat(error(backend.execute("edit_file", object("path", "src/backend/cfg.js",
                "old_text", "", "new_text", "b")))).contains("old_text is empty");
        assertThat(Files.readString(file("src/backend/cfg.js"))).isEqualTo("a = 1;\nb = 1;\nc = 3;\nd = 4;\n");
    }

    @Test
    void invalidInputNamesTheField() {
        assertThat(error(backend.execute("read_file", object()))).contains("'path' is required");
        assertThat(error(backend.execute("read_file", object("path", "README.md", "offset", "ten"))))
                .contains("'offset' must be an integer; found a string");
        assertThat(error(backend.execute("read_file", object("path", "README.md", "limit", 0))))
                .contains("'limit' must be at least 1");
        assertThat(error(backend.execute("write_file", object("path", "src/backend/x.js", "content", 42))))
                .contains("'content' must be a string; found the number 42");
        assertThat(error(backend.execute("write_file", object("path", "src/backend/x.js", "text", "y"))))
                .contains("unknown field 'text'");
        assertThat(error(backend.execute("edit_file", Json.parse("[1,2]")))).contains("must be a JSON object");
        assertThat(events.events).allMatch(ToolEvent.Failed.class::isInstance);
        assertThat(file("src/backend/x.js")).doesNotExist();
    }

    @Test
    void toolsOutsideTheRoleAreRefusedAndRecorded() {
        ToolExecutor conductor = executor(RolePermissions.blueprintDefault(Roles.CONDUCTOR));
        assertThat(error(conductor.execute("write_file", object("path", "README.md", "content", "x"))))
                .isEqualTo("role conductor does not have the tool write_file");
        assertThat(error(conductor.execute("delete_everything", object())))
                .contains("there is no tool 'delete_everything'", "read_file, list_files, search");
        ToolExecutor scribe = executor(RolePermissions.blueprintDefault(Roles.SCRIBE));
        assertThat(error(scribe.execute("run_command", object("command", "ls")))).contains("does not have the tool run_command");
        assertThat(events.refusals()).extracting(ToolEvent.Refused::tool)
                .containsExactly("write_file", "delete_everything", "run_command");
    }

    @Test
    void protocolToolsAreLeftToTheRuntime() {
        assertThat(error(backend.execute("complete_task", object("summary", "done"))))
                .contains("carried out by the agent runtime");
    }

    @Test
    void commandPatternsLimitRunCommand() {
        ToolExecutor tester = executor(RolePermissions.of("tester", Set.of(ToolName.RUN_COMMAND), List.of(),
                List.of(), List.of("npm test*", "git status")));
        assertThat(error(tester.execute("run_command", object("command", "rm -rf src"))))
                .contains("may run only commands matching npm test*, git status");
        assertThat(events.last()).isInstanceOf(ToolEvent.Refused.class);
        assertThat(file("src/backend/app.js")).exists();
    }
}
