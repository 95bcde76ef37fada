package dev.kleiber.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.git.GitProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Carries out one agent's file and command tools in its worktree, within its role's permissions.
 * Every call returns a {@link ToolResult} — refusals and failures as {@link ToolResult.Error} with the
 * reason, for a {@code tool_result} with {@code is_error: true} — and is recorded as one
 * {@link ToolEvent}. Protocol tools ({@link ToolName#isProtocol()}) belong to the agent runtime and
 * are not carried out here.
 */
final class ToolExecutor {
    private static final int SUMMARY_CHARS = 200;
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);

    private final PathGuard guard;
    private final FileTools files;
    private final CommandSandbox sandbox;
    private final ToolEvents events;

    public ToolExecutor(PathGuard guard, CommandSandbox sandbox, ToolEvents events) {
        this.guard = guard;
        this.files = new FileTools(guard);
        this.sandbox = sandbox;
        this.events = events;
    }

    /**
     * The executor for one agent in {@code worktree}.
     *
     * @param parentEnv Kleiber's own environment; commands receive only PATH and LANG from it
     */
    public static ToolExecutor open(Path worktree, RolePermissions permissions, Map<String, String> parentEnv,
                                    CommandSandbox.Settings settings, ToolEvents events) {
        PathGuard guard = new PathGuard(worktree, permissions);
        return new ToolExecutor(guard, new CommandSandbox(guard, parentEnv, settings), events);
    }

    public ToolResult execute(String toolName, JsonNode input) {
        long start = System.nanoTime();
        String summary = summarise(input);
        var known = ToolName.parse(toolName);
        if (known.isEmpty()) {
            return refuse(toolName, summary, "there is no tool '" + toolName + "'; the tools are "
                    + Arrays.stream(ToolName.values()).filter(guard.permissions()::offers).map(ToolName::wireName)
                    .collect(Collectors.joining(", ")));
        }
        ToolName tool = known.get();
        if (!guard.permissions().offers(tool)) {
            return refuse(toolName, summary, "role " + guard.permissions().role() + " does not have the tool "
                    + toolName);
        }
        if (tool.isProtocol()) {
            String error = toolName + " is carried out by the agent runtime, not by the tool executor";
            events.record(new ToolEvent.Failed(toolName, summary, error));
            return new ToolResult.Error(error);
        }
        Step step;
        try {
            step = run(tool, input);
        } catch (ToolInput.Invalid e) {
            step = new Step.Failed(e.getMessage());
        }
        return switch (step) {
            case Step.Done done -> {
                events.record(new ToolEvent.Executed(toolName, summary, done.outcome(),
                        Duration.ofNanos(System.nanoTime() - start)));
                yield new ToolResult.Ok(done.text());
            }
            case Step.Refused refused -> refuse(toolName, summary, refused.reason());
            case Step.Failed failed -> {
                events.record(new ToolEvent.Failed(toolName, summary, failed.error()));
                yield new ToolResult.Error(failed.error());
            }
        };
    }

    private Step run(ToolName tool, JsonNode json) throws ToolInput.Invalid {
        String name = tool.wireName();
        return switch (tool) {
            case READ_FILE -> {
                ToolInput in = ToolInput.of(name, json, Set.of("path", "offset", "limit"));
                yield files.readFile(in.requiredString("path"), in.optionalPositiveInt("offset").orElse(1),
                        in.optionalPositiveInt("limit").orElse(FileTools.DEFAULT_READ_LINES));
            }
            case LIST_FILES -> {
                ToolInput in = ToolInput.of(name, json, Set.of("path", "pattern"));
                yield files.listFiles(in.optionalString("path").filter(p -> !p.isBlank()).orElse("."),
                        in.optionalString("pattern").orElse(""));
            }
            case SEARCH -> {
                ToolInput in = ToolInput.of(name, json, Set.of("pattern", "path"));
                yield files.search(in.requiredString("pattern"),
                        in.optionalString("path").filter(p -> !p.isBlank()).orElse("."));
            }
            case WRITE_FILE -> {
                ToolInput in = ToolInput.of(name, json, Set.of("path", "content"));
                yield files.writeFile(in.requiredString("path"), in.requiredString("content"));
            }
            case EDIT_FILE -> {
                ToolInput in = ToolInput.of(name, json, Set.of("path", "old_text", "new_text"));
                yield files.editFile(in.requiredString("path"), in.requiredString("old_text"),
                        in.requiredString("new_text"));
            }
            case RUN_COMMAND -> runCommand(ToolInput.of(name, json, Set.of("command")).requiredString("command"));
            case COMPLETE_TASK, REPORT_BLOCKED, REQUEST_ESCALATION ->
                    throw new IllegalStateException(name + " is a protocol tool");
        };
    }

    private Step runCommand(String command) {
        if (command.isBlank()) {
            return new Step.Failed("run_command: the command is empty");
        }
        RolePermissions permissions = guard.permissions();
        if (!permissions.mayRun(command)) {
            return new Step.Refused("role " + permissions.role() + " may run only commands matching "
                    + permissions.commandPatterns().stream().map(Glob::text).collect(Collectors.joining(", ")));
        }
        return switch (sandbox.run(command)) {
            case CommandSandbox.Outcome.Finished finished -> {
                CommandSandbox.Output output = finished.output();
                String text = finished.exitLine() + "\n" + output.text()
                        + (output.truncated() ? "\n[output was " + output.totalBytes()
                        + " bytes; only its beginning and end are shown]" : "") + uncommittable();
                yield new Step.Done(text, "exit " + finished.exitCode() + ", " + output.totalBytes()
                        + " bytes of output in " + finished.elapsed().toMillis() + " ms");
            }
            case CommandSandbox.Outcome.TimedOut timedOut -> new Step.Failed("the command was still running after "
                    + timedOut.timeout().toSeconds() + " s and was killed with every process it started"
                    + timedOut.limitHits().stream().map(h -> "; " + h.describe()).collect(Collectors.joining()) + ". "
                    + "Output before that (" + timedOut.output().totalBytes() + " bytes):\n" + timedOut.output().text());
            case CommandSandbox.Outcome.Refused refused -> new Step.Refused(refused.reason());
        };
    }

    /**
     * What the commit step would refuse in the worktree as it now stands (a symlink out, a name git refuses, a
     * rewritten log), said right after the command so that the model can undo it.
     */
    private String uncommittable() {
        GitProcess.Result status = GitProcess.run(guard.root(), List.of("status", "--porcelain=v1", "-z", "--no-renames",
                "--untracked-files=all"), Optional.empty(), STATUS_TIMEOUT);
        if (status.exitCode() != 0) {
            return "";
        }
        List<String> paths = Arrays.stream(status.out().split("\0")).filter(e -> e.length() > 3)
                .map(e -> e.substring(3)).toList();
        List<String> problems = guard.refusedChanges(paths, TaskRunner.MAX_REFUSED_PATHS);
        return problems.isEmpty() ? "" : "\n[Kleiber will not commit the worktree as it stands; undo this before you "
                + "finish:\n- " + String.join("\n- ", problems) + "]";
    }

    private ToolResult refuse(String tool, String summary, String reason) {
        events.record(new ToolEvent.Refused(tool, reason, summary));
        return new ToolResult.Error(reason);
    }

    /** A short, content-free description of a call: paths and sizes, never file contents. */
    private static String summarise(JsonNode input) {
        if (input == null || !input.isObject()) {
            return "(input is not an object)";
        }
        StringBuilder summary = new StringBuilder();
        input.properties().forEach(field -> {
            JsonNode value = field.getValue();
            String shown = switch (field.getKey()) {
                case "content", "old_text", "new_text" -> value.isTextual()
                        ? value.textValue().length() + " chars" : value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
                default -> value.isTextual() ? value.textValue() : value.toString();
            };
            summary.append(summary.isEmpty() ? "" : " ").append(field.getKey()).append('=').append(shown);
        });
        String text = summary.toString().replace('\n', ' ');
        return text.length() > SUMMARY_CHARS ? text.substring(0, SUMMARY_CHARS) + "..." : text;
    }
}
