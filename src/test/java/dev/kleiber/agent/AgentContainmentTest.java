package dev.kleiber.agent;

import dev.kleiber.routing.Roles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static dev.kleiber.agent.Json.object;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Done means" list: every escape an agent might try through its tools, on a real linked
 * worktree and a real bwrap — each is refused or contained, nothing lands outside, and the agent is
 * told why.
 */
class AgentContainmentTest {
    @TempDir
    Path temp;

    private AgentWorktree wt;
    private RecordingEvents events;

    @BeforeEach
    void setUp() {
        wt = AgentWorktree.create(temp);
        events = new RecordingEvents();
    }

    private ToolExecutor executor(RolePermissions permissions) {
        return ToolExecutor.open(wt.worktree(), permissions, Map.of("PATH", System.getenv("PATH")),
                CommandSandbox.Settings.defaults(), events);
    }

    private ToolExecutor executor(String role) {
        return executor(RolePermissions.blueprintDefault(role));
    }

    /** Asserts a refusal: an error result with the reason, recorded as a Refused event with the same reason. */
    private String refused(ToolResult result) {
        assertThat(result).as(result.text()).isInstanceOf(ToolResult.Error.class);
        assertThat(events.last()).isInstanceOfSatisfying(ToolEvent.Refused.class,
                e -> assertThat(e.reason()).isEqualTo(result.text()));
        return result.text();
    }

    private ToolResult write(ToolExecutor executor, String path) {
        return executor.execute("write_file", object("path", path, "content", "pwned\n"));
    }

    @Test
    void writingUpAndOutOfTheWorktree() {
        ToolExecutor backend = executor(Roles.ENGINEER_BACKEND);
        assertThat(refused(write(backend, "../x"))).contains("'../x' leads outside the worktree");
        assertThat(refused(write(backend, "src/backend/../../../x"))).contains("leads outside the worktree");
        assertThat(wt.base().resolve("x")).doesNotExist();
    }

    @Test
    void writingAnAbsolutePath() {
        Path target = wt.evil().resolve("abs.txt");
        assertThat(refused(write(executor(Roles.ENGINEER_BACKEND), target.toString()))).contains("is absolute");
        assertThat(refused(write(executor(Roles.ENGINEER_BACKEND), wt.worktree().resolve("src/backend/a.js").toString())))
                .contains("is absolute");
        assertThat(target).doesNotExist();
    }

    @Test
    void frontendWritingIntoBackendThroughDotDot() {
        assertThat(refused(write(executor(Roles.ENGINEER_FRONTEND), "src/frontend/../backend/x")))
                .contains("engineer-frontend may not write 'src/backend/x'", "src/frontend/**");
        assertThat(wt.worktree().resolve("src/backend/x")).doesNotExist();
    }

    @Test
    void writingIntoASiblingWhoseNameExtendsTheWorktrees() {
        assertThat(wt.evil().getFileName().toString()).startsWith(wt.worktree().getFileName().toString());
        ToolExecutor anywhere = executor(RolePermissions.of("anywhere", EnumSet.allOf(ToolName.class),
                List.of("**"), List.of(), List.of()));
        assertThat(refused(write(anywhere, "../t1-evil/x"))).contains("leads outside the worktree");
        assertThat(refused(anywhere.execute("read_file", object("path", "../t1-evil/sentinel.txt"))))
                .contains("leads outside the worktree");
        assertThat(wt.filesInEvil()).isEqualTo(1);
    }

    @Test
    void writingThroughASymlinkCommittedInTheRepository() {
        ToolExecutor backend = executor(Roles.ENGINEER_BACKEND);
        assertThat(refused(write(backend, "src/backend/escape/x"))).contains("symlink 'src/backend/escape'");
        assertThat(refused(write(backend, "src/backend/escape-abs/x"))).contains("symlink 'src/backend/escape-abs'");
        assertThat(refused(backend.execute("edit_file", object("path", "src/backend/escape/sentinel.txt",
                "old_text", "outside", "new_text", "inside")))).contains("symlink");
        assertThat(refused(backend.execute("read_file", object("path", "src/backend/escape/sentinel.txt"))))
                .contains("leads outside the worktree");
        assertThat(wt.filesInEvil()).isEqualTo(1);
        assertThat(wt.evil().resolve("sentinel.txt")).hasContent("outside");
    }

    @Test
    void writingThroughASymlinkTheAgentMadeWithRunCommand() {
        Bwrap.assumeInstalled();
        ToolExecutor backend = executor(Roles.ENGINEER_BACKEND);
        String made = backend.execute("run_command", object("command",
                "ln -s " + wt.evil() + " src/backend/out && ln -s ../../../repo/.git/hooks src/backend/hooks"
                        + " && echo made")).text();
        assertThat(made).contains("Exit code: 0", "made");
        assertThat(Files.isSymbolicLink(wt.worktree().resolve("src/backend/out"))).isTrue();

        assertThat(refused(write(backend, "src/backend/out/x"))).contains("symlink 'src/backend/out'");
        assertThat(refused(write(backend, "src/backend/hooks/pre-commit"))).contains("symlink 'src/backend/hooks'");
        assertThat(refused(backend.execute("read_file", object("path", "src/backend/out/sentinel.txt"))))
                .contains("leads outside");
        // And through the link from inside the sandbox: the target is not writable there either.
        String viaShell = backend.execute("run_command", object("command",
                "echo pwned > src/backend/out/y; echo pwned > src/backend/hooks/pre-commit; echo done")).text();
        assertThat(viaShell).contains("done");
        assertThat(wt.filesInEvil()).isEqualTo(1);
        assertThat(wt.hooksUntouched()).isTrue();
    }

    @Test
    void writingIntoGitHooksAndConfig() {
        ToolExecutor anywhere = executor(RolePermissions.of("anywhere", EnumSet.allOf(ToolName.class),
                List.of("**"), List.of(), List.of()));
        assertThat(refused(write(anywhere, ".git/hooks/pre-commit"))).contains(".git");
        assertThat(refused(write(anywhere, ".git/config"))).contains(".git");
        assertThat(refused(write(anywhere, ".git"))).contains(".git");
        assertThat(refused(write(anywhere, "../repo/.git/hooks/pre-commit"))).containsAnyOf("outside the worktree",
                "agents cannot touch .git");
        assertThat(wt.worktree().resolve(".git")).isRegularFile().content().startsWith("gitdir: ");
        assertThat(wt.hooksUntouched()).isTrue();
    }

    @Test
    void writingIntoKleiberConfiguration() {
        ToolExecutor anywhere = executor(RolePermissions.of("anywhere", EnumSet.allOf(ToolName.class),
                List.of("**"), List.of(), List.of()));
        assertThat(refused(write(anywhere, ".kleiber/kleiber.yaml"))).contains(".kleiber");
        assertThat(refused(write(anywhere, ".kleiber/agents/engineer-backend.md"))).contains(".kleiber");
        assertThat(wt.worktree().resolve(".kleiber/kleiber.yaml")).hasContent("budget: 50");
        assertThat(wt.worktree().resolve(".kleiber/agents")).doesNotExist();
    }

    @Test
    void writingTheProtocolFolders() {
        ToolExecutor scribe = executor(Roles.SCRIBE);
        for (String folder : List.of("tasks", "progress", "complete", "blocked")) {
            String path = folder + "/engineer-backend/t1" + (folder.equals("tasks") ? "" : "-x") + ".md";
            assertThat(refused(write(scribe, path))).contains("protocol folder " + folder + "/", "complete_task");
        }
        assertThat(wt.worktree().resolve("tasks/engineer-backend/t1.md")).content().startsWith("# Task: t1");
        assertThat(wt.worktree().resolve("progress")).doesNotExist();
        assertThat(wt.worktree().resolve("complete")).doesNotExist();
        assertThat(wt.worktree().resolve("blocked")).doesNotExist();
        assertThat(scribe.execute("read_file", object("path", "tasks/engineer-backend/t1.md")))
                .isInstanceOf(ToolResult.Ok.class);
    }

    @Test
    void aCommandWritingOutsideItsFolders() {
        Bwrap.assumeInstalled();
        ToolExecutor backend = executor(Roles.ENGINEER_BACKEND);
        String text = backend.execute("run_command", object("command", String.join("; ",
                "echo x > src/frontend/hack.js",
                "echo x > README.md",
                "echo x > ../t1-evil/hack",
                "echo x >> .git",
                "echo x > .kleiber/kleiber.yaml",
                "mkdir -p tasks/engineer-backend && echo x > tasks/engineer-backend/t2.md",
                "echo x > " + wt.repo().resolve(".git/hooks/pre-commit"),
                "echo x >> " + wt.repo().resolve(".git/config"),
                "ln src/frontend/ui.js src/backend/hard-link || echo NO-HARD-LINK",
                "echo ok > src/backend/allowed.js",
                "echo ok > tests/integration/allowed.test.js",
                "echo private > /tmp/scratch && cat /tmp/scratch"))).text();
        assertThat(text).contains("Exit code: 0", "Read-only file system", "private", "NO-HARD-LINK");
        assertThat(wt.worktree().resolve("src/backend/hard-link")).doesNotExist();
        assertThat(wt.worktree().resolve("src/frontend/hack.js")).doesNotExist();
        assertThat(wt.worktree().resolve("README.md")).hasContent("# sample");
        assertThat(wt.worktree().resolve(".git")).content().doesNotContain("x\n");
        assertThat(wt.worktree().resolve(".kleiber/kleiber.yaml")).hasContent("budget: 50");
        assertThat(wt.worktree().resolve("tasks/engineer-backend/t2.md")).doesNotExist();
        assertThat(wt.repo().resolve(".git/config")).content().doesNotContain("\nx\n");
        assertThat(wt.hooksUntouched()).isTrue();
        assertThat(wt.filesInEvil()).isEqualTo(1);
        assertThat(wt.worktree().resolve("src/backend/allowed.js")).hasContent("ok");
        assertThat(wt.worktree().resolve("tests/integration/allowed.test.js")).hasContent("ok");
        assertThat(Path.of("/tmp/scratch")).doesNotExist();
    }

    @Test
    void aValidatorCommandCanOnlyWriteReports() {
        Bwrap.assumeInstalled();
        ToolExecutor validator = executor(Roles.VALIDATOR);
        String text = validator.execute("run_command", object("command",
                "echo x > src/backend/app.js; echo '# ok' > reports/build.md; cat reports/build.md")).text();
        assertThat(text).contains("Read-only file system", "# ok");
        assertThat(wt.worktree().resolve("src/backend/app.js")).hasContent("export const port = 8080;");
        assertThat(wt.worktree().resolve("reports/build.md")).hasContent("# ok");
    }

    @Test
    void gitStillWorksReadOnlyInsideTheSandbox() {
        Bwrap.assumeInstalled();
        String text = executor(Roles.ENGINEER_BACKEND).execute("run_command",
                object("command", "git log --oneline -1 && git rev-parse --abbrev-ref HEAD")).text();
        assertThat(text).contains("Exit code: 0", "sample project", "feature/t1-sample");
    }
}
