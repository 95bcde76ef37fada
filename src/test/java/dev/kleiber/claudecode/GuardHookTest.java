package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PreToolUse hook's command line exactly as Claude Code runs it ({@code sh -c}, the hook's JSON on stdin):
 * a denial is the JSON decision Claude Code reads, and a guard that cannot judge exits 2, which blocks the call.
 */
class GuardHookTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path worktree;

    private record Ran(int exit, String out, String err) {
    }

    private Ran hook(Path tree, String stdin) throws IOException, InterruptedException {
        List<String> guard = new ArrayList<>(KleiberJvm.current().guard());
        guard.addAll(List.of("--worktree", tree.toString(), "--role", "engineer-backend", "--write", "src/backend/**"));
        Process process = new ProcessBuilder("/bin/sh", "-c", ClaudeCodeEngine.hookCommand(guard)).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), out, err);
    }

    private static String write(String path) {
        return "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Write\",\"tool_use_id\":\"toolu_1\","
                + "\"tool_input\":{\"file_path\":\"" + path + "\",\"content\":\"x\"}}";
    }

    @Test
    void deniesAnOutOfRoleWriteAndBlocksWhenItCannotJudge() throws Exception {
        Files.createDirectories(worktree.resolve("src/backend"));

        Ran denied = hook(worktree, write(worktree.resolve("src/frontend/Evil.tsx").toString()));
        Ran garbage = hook(worktree, "not the hook's json");
        Ran broken = hook(worktree.resolve("gone"), write("src/backend/a.js"));

        assertThat(denied.exit()).as(denied.err()).isZero();
        JsonNode decision = JSON.readTree(denied.out()).path("hookSpecificOutput");
        assertThat(decision.path("hookEventName").asText()).isEqualTo("PreToolUse");
        assertThat(decision.path("permissionDecision").asText()).isEqualTo("deny");
        assertThat(decision.path("permissionDecisionReason").asText())
                .startsWith("Kleiber: role engineer-backend may not write 'src/frontend/Evil.tsx'");
        assertThat(garbage.exit()).isEqualTo(2);
        assertThat(garbage.err()).contains("guard: expected the PreToolUse hook's JSON object on stdin");
        assertThat(broken.exit()).as("a guard that fails blocks the call").isEqualTo(2);
        assertThat(broken.err()).contains("cannot be opened");
        assertThat(garbage.err() + broken.err()).doesNotContain("Exception", "\tat ");
    }
}
