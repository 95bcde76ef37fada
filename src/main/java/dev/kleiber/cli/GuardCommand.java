package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.agent.PathGuard;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.agent.ToolName;
import dev.kleiber.claudecode.ToolGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kleiber guard}: Claude Code's {@code PreToolUse} hook in a Kleiber task. Reads the hook's JSON on stdin and
 * answers with a deny decision (and the reason, for the model) when the call would write outside the role's globs,
 * into {@code .git}, {@code .kleiber}, the protocol folders or the append-only logs, or reach the network. It runs
 * inside the session's sandbox and writes nothing: Kleiber records the denials in its own process, from the model's
 * tool calls as they pass the metering proxy (a file the hook could write, the agent's Bash could forge or erase).
 */
@Command(name = "guard", mixinStandardHelpOptions = true, hidden = true,
        description = {"Claude Code PreToolUse hook: judge one tool call (hook JSON on stdin) against a role's write "
                + "globs; print a deny decision when it is not allowed."})
final class GuardCommand implements Callable<Integer> {
    private static final int MAX_INPUT = 4 * 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--worktree", required = true, paramLabel = "DIR", description = "The task's worktree.")
    Path worktree;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "The role doing the task.")
    String role;

    @Option(names = "--write", paramLabel = "GLOB", description = "A glob the role may write (repeatable).")
    List<String> write = List.of();

    /** Where the hook input comes from; a field so that tests can hand it in. */
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        // made here, not in a static field: picocli builds every command at start, and --help must not load Jackson
        ObjectMapper json = new ObjectMapper();
        byte[] bytes = in.readNBytes(MAX_INPUT + 1);
        JsonNode input;
        try {
            input = bytes.length > MAX_INPUT ? null : json.readTree(bytes);
        } catch (IOException e) {
            input = null;
        }
        if (input == null || !input.isObject()) {
            throw KleiberException.badInput("guard: expected the PreToolUse hook's JSON object on stdin");
        }
        RolePermissions permissions = RolePermissions.of(role, EnumSet.allOf(ToolName.class), write, List.of(), List.of());
        ToolGuard.Verdict verdict = new ToolGuard(new PathGuard(worktree, permissions)).judge(input);
        if (verdict instanceof ToolGuard.Verdict.Deny deny) {
            ObjectNode answer = json.createObjectNode();
            answer.putObject("hookSpecificOutput").put("hookEventName", "PreToolUse")
                    .put("permissionDecision", "deny").put("permissionDecisionReason", "Kleiber: " + deny.reason());
            spec.commandLine().getOut().println(answer);
        }
        return 0;
    }
}
