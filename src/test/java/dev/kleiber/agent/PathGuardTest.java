package dev.kleiber.agent;

import dev.kleiber.routing.Roles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks only, on one worktree shared by the class (no test writes through the guard). */
class PathGuardTest {
    @TempDir
    static Path temp;

    private static AgentWorktree wt;
    private static PathGuard backend;
    private static PathGuard anywhere;

    @BeforeAll
    static void setUp() {
        wt = AgentWorktree.create(temp);
        backend = new PathGuard(wt.worktree(), RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND));
        anywhere = new PathGuard(wt.worktree(),
                RolePermissions.of("anywhere", EnumSet.allOf(ToolName.class), List.of("**"), List.of(), List.of()));
    }

    private static String refusal(PathGuard.Decision decision) {
        assertThat(decision).isInstanceOf(PathGuard.Decision.Refused.class);
        return ((PathGuard.Decision.Refused) decision).reason();
    }

    @Test
    void allowsTheRolesOwnFilesWithTheirCanonicalPath() {
        PathGuard.Decision decision = backend.checkWrite("src/backend/./new/../routes.js");
        assertThat(decision).isEqualTo(new PathGuard.Decision.Allowed(
                wt.worktree().resolve("src/backend/routes.js"), "src/backend/routes.js"));
    }

    @Test
    void containmentIsPerComponentNotAStringPrefix() {
        assertThat(wt.evil().toString()).startsWith(wt.worktree().toString());
        assertThat(refusal(anywhere.checkRead("../t1-evil/sentinel.txt"))).contains("leads outside the worktree");
        assertThat(refusal(anywhere.checkWrite("../t1-evil/x"))).contains("leads outside the worktree");
    }

    @Test
    void refusesAbsoluteHomeAndNulPaths() {
        assertThat(refusal(anywhere.checkRead(wt.worktree().resolve("README.md").toString()))).contains("absolute");
        assertThat(refusal(anywhere.checkRead("~/.ssh/id_rsa"))).contains("absolute");
        assertThat(refusal(anywhere.checkRead("README.md\0.txt"))).contains("NUL");
        assertThat(refusal(anywhere.checkRead(""))).contains("empty");
    }

    @Test
    void readsFollowSymlinksOnlyWhileTheyStayInside() {
        assertThat(refusal(backend.checkRead("src/backend/escape/sentinel.txt")))
                .contains("symlink 'src/backend/escape'", "leads outside the worktree");
        assertThat(refusal(backend.checkRead("src/backend/escape-abs/sentinel.txt"))).contains("leads outside");
        assertThat(backend.checkRead("src/backend/alias/ui.js")).isEqualTo(new PathGuard.Decision.Allowed(
                wt.worktree().resolve("src/frontend/ui.js"), "src/frontend/ui.js"));
    }

    @Test
    void writesNeverGoThroughASymlinkEvenOneStayingInside() {
        assertThat(refusal(backend.checkWrite("src/backend/alias/ui.js"))).contains("symlink 'src/backend/alias'");
        assertThat(refusal(backend.checkWrite("src/backend/escape/x.js"))).contains("symlink 'src/backend/escape'");
    }

    @Test
    void refusesDanglingSymlinks() throws Exception {
        Files.createSymbolicLink(wt.worktree().resolve("src/backend/dangling"), Path.of("/nonexistent/kleiber"));
        try {
            assertThat(refusal(backend.checkRead("src/backend/dangling"))).contains("does not exist");
            assertThat(refusal(backend.checkWrite("src/backend/dangling"))).contains("symlink");
        } finally {
            Files.delete(wt.worktree().resolve("src/backend/dangling"));
        }
    }

    @Test
    void gitAndKleiberAreOutOfReachEvenForAnAllPowerfulRole() {
        assertThat(refusal(anywhere.checkWrite(".git"))).contains(".git");
        assertThat(refusal(anywhere.checkRead(".git"))).contains(".git");
        assertThat(refusal(anywhere.checkWrite(".git/hooks/pre-commit"))).contains(".git");
        assertThat(refusal(anywhere.checkWrite("src/.git/config"))).contains(".git");
        assertThat(refusal(anywhere.checkWrite(".kleiber/kleiber.yaml"))).contains(".kleiber");
        assertThat(refusal(anywhere.checkRead(".kleiber/kleiber.yaml"))).contains(".kleiber");
        assertThat(refusal(anywhere.checkWrite("src/../.kleiber/agents/x.md"))).contains(".kleiber");
    }

    @Test
    void protocolFoldersAreReadableButNeverWritable() {
        for (String folder : PathGuard.PROTOCOL_FOLDERS) {
            assertThat(refusal(anywhere.checkWrite(folder + "/engineer-backend/t1.md")))
                    .contains("protocol folder " + folder + "/", "runtime");
        }
        assertThat(anywhere.checkRead("tasks/engineer-backend/t1.md")).isInstanceOf(PathGuard.Decision.Allowed.class);
        assertThat(anywhere.checkWrite("docs/tasks/x.md")).isInstanceOf(PathGuard.Decision.Allowed.class);
    }

    @Test
    void writeGlobsAreMatchedAfterNormalising() {
        PathGuard frontend = new PathGuard(wt.worktree(), RolePermissions.blueprintDefault(Roles.ENGINEER_FRONTEND));
        assertThat(refusal(frontend.checkWrite("src/frontend/../backend/x.js")))
                .contains("may not write 'src/backend/x.js'", "src/frontend/**");
        assertThat(refusal(backend.checkWrite("README.md"))).contains("engineer-backend may not write 'README.md'");
        assertThat(refusal(backend.checkWrite("."))).contains("root");
    }

    @Test
    void readGlobsLimitReads() {
        PathGuard narrow = new PathGuard(wt.worktree(), RolePermissions.of("narrow",
                EnumSet.of(ToolName.READ_FILE), List.of(), List.of("src/frontend/**"), List.of()));
        assertThat(narrow.checkRead("src/frontend/ui.js")).isInstanceOf(PathGuard.Decision.Allowed.class);
        assertThat(refusal(narrow.checkRead("src/backend/app.js"))).contains("may not read", "src/frontend/**");
    }

    @Test
    void backslashesAreOneFileNameOnLinuxSoTheyAreRefused() {
        PathGuard frontend = new PathGuard(wt.worktree(), RolePermissions.blueprintDefault(Roles.ENGINEER_FRONTEND));
        for (String path : List.of("src\\frontend\\..\\..\\root-file.js", "src/frontend\\side.js",
                "tests/e2e\\..\\..\\.gitattributes", "docs\\..\\run.sh")) {
            assertThat(refusal(frontend.checkWrite(path))).contains("backslash");
            assertThat(refusal(anywhere.checkWrite(path))).contains("backslash");
        }
    }

    @Test
    void everySpellingOfDotGitIsRefusedAsAnyComponent() {
        for (String path : List.of(".GIT/config", "src/frontend/.Git/hooks/pre-commit", "src/.git./x", "src/.git /x",
                "src/.git. . ./x", "src/GIT~1/config", "src/git~1", "src/.git::$INDEX_ALLOCATION/x", "src/frontend/.gIt")) {
            assertThat(refusal(anywhere.checkWrite(path))).as(path).contains(".git");
            assertThat(refusal(anywhere.checkRead(path))).as(path).contains(".git");
        }
        assertThat(anywhere.checkWrite("src/.github/workflows/ci.yml")).isInstanceOf(PathGuard.Decision.Allowed.class);
        assertThat(anywhere.checkWrite("src/git~2/x")).isInstanceOf(PathGuard.Decision.Allowed.class);
        assertThat(anywhere.checkWrite("src/.gitkeep")).isInstanceOf(PathGuard.Decision.Allowed.class);
    }

    @Test
    void otherSpellingsOfGitsDotfilesAreRefused() {
        for (String path : List.of(".gitmodules.", "src/GITMOD~1", ".gitattributes ", "GI7EBA~1", "src/.mailmap..")) {
            assertThat(refusal(anywhere.checkWrite(path))).as(path).contains("another spelling");
        }
        assertThat(anywhere.checkWrite(".gitattributes")).isInstanceOf(PathGuard.Decision.Allowed.class);
    }

    @Test
    void controlAndInvisibleCharactersAreRefused() {
        for (String path : List.of("src/backend/a\nb.js", "src/backend/a\rb.js", "src/backend/\u001b[31mred.js",
                "src/backend/.g\u200Cit/x", "src/backend/\u202Egnp.js", "src/backend/x\u2028y", "src/backend/\u007f")) {
            assertThat(refusal(backend.checkWrite(path))).as(path).contains("character U+");
        }
        assertThat(backend.checkWrite("src/backend/caf\u00e9-\u4e2d.js")).isInstanceOf(PathGuard.Decision.Allowed.class);
    }

    @Test
    void theAppendOnlyLogsAreWrittenByKleiberOnly() {
        PathGuard scribe = new PathGuard(wt.worktree(), RolePermissions.of("scribe", EnumSet.allOf(ToolName.class),
                List.of("**/*.md"), List.of(), List.of()));
        for (String log : List.of("orchestration_log.md", "PROGRESS.md", "CHANGELOG.md", "progress.md", "./CHANGELOG.md")) {
            assertThat(refusal(scribe.checkWrite(log))).as(log).contains("append-only");
            assertThat(refusal(anywhere.checkWrite(log))).as(log).contains("append-only");
        }
        assertThat(scribe.checkRead("CHANGELOG.md")).isInstanceOf(PathGuard.Decision.Allowed.class);
        assertThat(scribe.checkWrite("docs/CHANGELOG.md")).isInstanceOf(PathGuard.Decision.Allowed.class);
    }

    @Test
    void aChangeIsJudgedWhereItSitsASymlinkByItsOwnPlaceAndItsTarget() throws Exception {
        Path backendDir = wt.worktree().resolve("src/backend");
        List<Path> links = List.of(
                Files.createSymbolicLink(backendDir.resolve("inside.js"), Path.of("app.js")),
                Files.createSymbolicLink(backendDir.resolve("ui-link.js"), Path.of("../frontend/ui.js")),
                Files.createSymbolicLink(backendDir.resolve("passwd"), Path.of("/etc/passwd")),
                Files.createSymbolicLink(backendDir.resolve("gitdir"), Path.of("../../.git")),
                Files.createSymbolicLink(backendDir.resolve("state"), Path.of("../../.kleiber")),
                Files.createSymbolicLink(wt.worktree().resolve("src/frontend/to-backend.js"), Path.of("../backend/app.js")),
                Files.createSymbolicLink(wt.worktree().resolve(".gitmodules"), Path.of("src/backend/app.js")));
        try {
            // a symlink is a file in its own place: one staying inside is the role's like any file there
            assertThat(backend.checkChange("src/backend/inside.js")).isEqualTo(new PathGuard.Decision.Allowed(
                    backendDir.resolve("inside.js"), "src/backend/inside.js"));
            assertThat(backend.checkChange("src/backend/ui-link.js")).isInstanceOf(PathGuard.Decision.Allowed.class);
            // ...but its place must be the role's, wherever it points
            assertThat(refusal(backend.checkChange("src/frontend/to-backend.js")))
                    .contains("role engineer-backend may not write 'src/frontend/to-backend.js'");
            // and its target must stay inside, out of .git and .kleiber
            assertThat(refusal(backend.checkChange("src/backend/passwd")))
                    .contains("'src/backend/passwd' is a symlink to '/etc/passwd', which leads outside the worktree");
            assertThat(refusal(backend.checkChange("src/backend/escape"))).contains("leads outside the worktree");
            assertThat(refusal(backend.checkChange("src/backend/escape-abs"))).contains("leads outside the worktree");
            assertThat(refusal(backend.checkChange("src/backend/gitdir"))).contains("into .git");
            assertThat(refusal(backend.checkChange("src/backend/state"))).contains("into .kleiber");
            assertThat(refusal(anywhere.checkChange(".gitmodules"))).contains("git refuses .gitmodules as a symlink");
        } finally {
            for (Path link : links) {
                Files.delete(link);
            }
        }
    }

    @Test
    void aChangedPathUnderASymlinkedFolderCountsWhereTheFolderLeads() {
        // git lists no path through a symlink, but an outside agent's list is not trusted to be git's
        assertThat(refusal(backend.checkChange("src/backend/escape/sentinel.txt")))
                .contains("sits under a symlink that leads outside the worktree");
        assertThat(refusal(backend.checkChange("src/backend/escape-abs/new.js"))).contains("leads outside the worktree");
        assertThat(refusal(backend.checkChange("src/backend/alias/ui.js")))
                .contains("role engineer-backend may not write 'src/frontend/ui.js'");
    }

    @Test
    void aChangeKeepsEveryRuleOfAWriteExceptFollowingNoSymlink() {
        assertThat(backend.checkChange("src/backend/removed/long-gone.js")).as("a deletion in the role's folder")
                .isInstanceOf(PathGuard.Decision.Allowed.class);
        assertThat(refusal(backend.checkChange("src/frontend/ui.js"))).contains("may not write");
        assertThat(refusal(anywhere.checkChange("src/backend/.GIT/config"))).contains(".git");
        assertThat(refusal(anywhere.checkChange(".git/hooks/pre-commit"))).contains(".git");
        assertThat(refusal(anywhere.checkChange(".kleiber/agents/engineer-backend.md"))).contains(".kleiber");
        assertThat(refusal(anywhere.checkChange("tasks/engineer-backend/feat-001.md"))).contains("protocol folder");
        assertThat(refusal(anywhere.checkChange("CHANGELOG.md"))).contains("append-only");
        assertThat(refusal(anywhere.checkChange("../t1-evil/sentinel.txt"))).contains("leads outside the worktree");
        assertThat(refusal(anywhere.checkChange("/etc/passwd"))).contains("absolute");
        assertThat(refusal(anywhere.checkChange("."))).contains("worktree root");
        assertThat(backend.refusedChanges(List.of("src/backend/app.js", "src/frontend/ui.js", "CHANGELOG.md"), 1))
                .singleElement().asString().contains("src/frontend/ui.js");
    }
}
