package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.agent.PathGuard;
import dev.kleiber.agent.RolePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The PreToolUse decisions {@code kleiber guard} gives Claude Code's tool calls in an engineer-backend worktree. */
class ToolGuardTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path worktree;
    ToolGuard guard;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(worktree.resolve("src/backend"));
        worktree = worktree.toRealPath();
        guard = new ToolGuard(new PathGuard(worktree, RolePermissions.blueprintDefault("engineer-backend")));
    }

    private ToolGuard.Verdict judge(String tool, String field, String path) {
        JsonNode input = JSON.createObjectNode().put("tool_name", tool).set("tool_input",
                JSON.createObjectNode().put(field, path).put("content", "x"));
        return guard.judge(input);
    }

    private static String denied(ToolGuard.Verdict verdict) {
        assertThat(verdict).isInstanceOf(ToolGuard.Verdict.Deny.class);
        return ((ToolGuard.Verdict.Deny) verdict).reason();
    }

    @Test
    void allowsWritesInsideTheRolesGlobsByAbsoluteOrRelativePath() {
        assertThat(judge("Write", "file_path", worktree.resolve("src/backend/kyc.js").toString()))
                .isInstanceOf(ToolGuard.Verdict.Allow.class);
        assertThat(judge("Edit", "file_path", "src/backend/app.js")).isInstanceOf(ToolGuard.Verdict.Allow.class);
        assertThat(judge("Read", "file_path", "/etc/hostname")).isInstanceOf(ToolGuard.Verdict.Allow.class);
    }

    @Test
    void deniesWritesOutsideTheRoleTheWorktreeOrIntoKleibersOwnFiles() {
        assertThat(denied(judge("Write", "file_path", worktree.resolve("src/frontend/App.tsx").toString())))
                .contains("may not write 'src/frontend/App.tsx'");
        assertThat(denied(judge("Edit", "file_path", worktree.resolve(".git/config").toString()))).contains(".git");
        assertThat(denied(judge("MultiEdit", "file_path", ".kleiber/kleiber.yaml"))).contains(".kleiber");
        assertThat(denied(judge("Write", "file_path", "complete/engineer-backend/feat-001-done.md")))
                .contains("protocol folder");
        assertThat(denied(judge("Write", "file_path", "orchestration_log.md"))).contains("append-only");
        assertThat(denied(judge("Write", "file_path", "/tmp/elsewhere.js"))).contains("outside the task's worktree");
        assertThat(denied(judge("Write", "file_path", worktree.resolve("src/backend/../../../x.js").toString())))
                .contains("outside the task's worktree");
        assertThat(denied(judge("NotebookEdit", "notebook_path", "docs/n.ipynb"))).contains("may not write");
    }

    @Test
    void deniesNetworkTools() {
        assertThat(denied(judge("WebFetch", "url", "https://example.com"))).contains("network");
        assertThat(denied(judge("WebSearch", "query", "x"))).contains("network");
        assertThat(denied(judge("mcp__github__create_issue", "title", "x"))).contains("network");
    }

    /** What the run reports is the guard's judgement of the model's own calls, kept in Kleiber's process and bounded. */
    @Test
    void theDenialRecordJudgesTheModelsCallsAndKeepsAHundred() {
        DenialRecord record = new DenialRecord(guard);
        record.accept(new ModelToolCalls.Call("toolu_1", "Write", JSON.createObjectNode()
                .put("file_path", worktree.resolve("src/backend/kyc.js").toString())));
        record.accept(new ModelToolCalls.Call("toolu_2", "Write", JSON.createObjectNode()
                .put("file_path", worktree.resolve("src/frontend/Evil.tsx").toString())));
        record.accept(new ModelToolCalls.Call("toolu_3", "Bash", JSON.createObjectNode().put("command", "ls")));
        record.accept(new ModelToolCalls.Call("toolu_4", "WebFetch", JSON.createObjectNode().put("url", "https://x")));

        assertThat(record.denials()).hasSize(2);
        assertThat(record.denials().getFirst()).startsWith("Write: ").contains("may not write 'src/frontend/Evil.tsx'");
        assertThat(record.denials().getLast()).startsWith("WebFetch: ");

        for (int i = 0; i < DenialRecord.MAX_KEPT + 5; i++) {
            record.accept(new ModelToolCalls.Call("toolu_x" + i, "Write", JSON.createObjectNode().put("file_path", "/etc/x")));
        }
        assertThat(record.denials()).hasSize(DenialRecord.MAX_KEPT + 1).last().isEqualTo("and 7 more denied tool calls");
    }
}
