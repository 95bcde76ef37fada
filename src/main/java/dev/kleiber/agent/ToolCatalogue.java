package dev.kleiber.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tool definitions sent to the model for one role: each tool's name, description and JSON input
 * schema, only for the tools the role is offered ({@link RolePermissions#offers}). Descriptions name
 * the role's own limits so the model knows them before it is refused; they depend only on the role,
 * so the list is stable across a session and caches well.
 */
final class ToolCatalogue {
    /** One tool as the Messages API takes it: {@code name}, {@code description}, {@code input_schema}. */
    public record ToolSpec(String name, String description, ObjectNode inputSchema) {
        public ToolSpec {
            inputSchema = inputSchema.deepCopy();
        }

        @Override
        public ObjectNode inputSchema() {
            return inputSchema.deepCopy();
        }
    }

    /** The values of report_blocked's {@code type}, the blueprint's blocked-file Type field. */
    public static final List<String> BLOCKED_TYPES =
            List.of("merge_conflict", "dependency", "unclear_requirements", "technical");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ToolCatalogue() {
    }

    /** The role's tools in a fixed order (the order of {@link ToolName}). */
    public static List<ToolSpec> forRole(RolePermissions permissions, CommandSandbox.Settings sandbox) {
        return Arrays.stream(ToolName.values())
                .filter(permissions::offers)
                .map(tool -> spec(tool, permissions, sandbox))
                .toList();
    }

    static ToolSpec spec(ToolName tool, RolePermissions permissions, CommandSandbox.Settings sandbox) {
        String writable = permissions.writeGlobs().stream().map(Glob::text).collect(Collectors.joining(", "));
        return switch (tool) {
            case READ_FILE -> new ToolSpec(tool.wireName(),
                    "Read a text file of the worktree. Lines come numbered (number, tab, text); at most "
                            + FileTools.DEFAULT_READ_LINES + " lines and " + FileTools.MAX_OUTPUT_CHARS / 1024
                            + " KiB per call, long lines cut at " + FileTools.MAX_LINE_CHARS
                            + " characters. Use offset and limit to page through long files.",
                    schema(List.of("path"),
                            property("path", "string", "File path relative to the worktree root, e.g. src/app.ts"),
                            property("offset", "integer", "1-based line number to start at (default 1)"),
                            property("limit", "integer", "Number of lines to read (default "
                                    + FileTools.DEFAULT_READ_LINES + ")")));
            case LIST_FILES -> new ToolSpec(tool.wireName(),
                    "List the files under a folder of the worktree, recursively, as paths relative to the "
                            + "worktree root (at most " + FileTools.MAX_LISTED_FILES + "). .git and .kleiber are "
                            + "skipped, and so are symlinks.",
                    schema(List.of(),
                            property("path", "string", "Folder relative to the worktree root (default: the root)"),
                            property("pattern", "string", "Glob to filter by: without a '/' it matches file names "
                                    + "at any depth (*.ts); with one, paths under the folder (src/**/*.test.ts)")));
            case SEARCH -> new ToolSpec(tool.wireName(),
                    "Search the text files of the worktree for a Java regular expression, line by line. Prints "
                            + "path:line: text for at most " + FileTools.MAX_SEARCH_MATCHES + " matches; binary "
                            + "files and files over " + FileTools.MAX_SEARCHED_FILE_BYTES / (1024 * 1024)
                            + " MiB are skipped.",
                    schema(List.of("pattern"),
                            property("pattern", "string", "Regular expression (java.util.regex syntax)"),
                            property("path", "string", "File or folder to search, relative to the worktree root "
                                    + "(default: the root)")));
            case WRITE_FILE -> new ToolSpec(tool.wireName(),
                    "Create or replace a whole file with the given content (UTF-8). Missing folders are "
                            + "created. This role may write only: " + writable + ". Never .git, .kleiber or the "
                            + "protocol folders tasks/, progress/, complete/, blocked/, and never through a symlink.",
                    schema(List.of("path", "content"),
                            property("path", "string", "File path relative to the worktree root"),
                            property("content", "string", "The complete new content of the file")));
            case EDIT_FILE -> new ToolSpec(tool.wireName(),
                    "Replace one exact piece of text in an existing file. old_text must occur exactly once "
                            + "(include surrounding lines to make it unique); copy it from read_file output "
                            + "without the line numbers. This role may edit only: " + writable + ".",
                    schema(List.of("path", "old_text", "new_text"),
                            property("path", "string", "File path relative to the worktree root"),
                            property("old_text", "string", "The exact text to replace, whitespace included"),
                            property("new_text", "string", "The text to put in its place")));
            case RUN_COMMAND -> new ToolSpec(tool.wireName(), runCommandDescription(permissions, sandbox),
                    schema(List.of("command"),
                            property("command", "string", "A bash command line, run with bash -c in the "
                                    + "worktree root")));
            case COMPLETE_TASK -> {
                Property decisions = property("decisions", "array", "Decisions made and why, one per entry "
                        + "(\"Chose X over Y because Z\")");
                decisions.node().set("items", JSON.objectNode().put("type", "string"));
                yield new ToolSpec(tool.wireName(),
                        "Finish the task: Kleiber writes the done file (files changed are taken from git) and "
                                + "ends the session. Call it only when the acceptance criteria are met.",
                        schema(List.of("summary"),
                                property("summary", "string", "What was built, for the done file's Summary"),
                                decisions));
            }
            case REPORT_BLOCKED -> {
                Property type = property("type", "string", "Kind of blocker");
                ArrayNode values = type.node().putArray("enum");
                BLOCKED_TYPES.forEach(values::add);
                Property attempted = property("attempted", "array", "What was tried and why it failed, "
                        + "one per entry");
                attempted.node().set("items", JSON.objectNode().put("type", "string"));
                yield new ToolSpec(tool.wireName(),
                        "Stop because the task cannot be finished as given: Kleiber writes the blocked file for "
                                + "the conductor and ends the session.",
                        schema(List.of("type", "problem", "need"),
                                type,
                                property("problem", "string", "What is blocking progress"),
                                attempted,
                                property("need", "string", "The specific thing needed from the conductor")));
            }
            case REQUEST_ESCALATION -> new ToolSpec(tool.wireName(),
                    "Ask for the task to be restarted on a stronger model because it is more complex than "
                            + "expected (cross-cutting design, security, money flow). Ends this session.",
                    schema(List.of("reason"),
                            property("reason", "string", "What makes the task harder than this model should take on")));
        };
    }

    private static String runCommandDescription(RolePermissions permissions, CommandSandbox.Settings sandbox) {
        String patterns = permissions.commandPatterns().stream().map(Glob::text).collect(Collectors.joining(", "));
        String limits = "It is killed, with everything it started, after " + sandbox.timeout().toSeconds()
                + " s; output (stdout and stderr together) is kept to " + sandbox.outputCapBytes() / 1024
                + " KiB, first and last part. The result starts with the exit code.";
        String allowed = patterns.equals("*") ? "" : " Allowed command lines: " + patterns + ".";
        if (sandbox.mode() == CommandSandbox.Mode.NONE) {
            return "Run a shell command with bash -c in the worktree root, with a minimal environment. "
                    + limits + allowed;
        }
        return "Run a shell command with bash -c in the worktree root, inside a sandbox: no network, no "
                + "secrets in the environment, HOME=/tmp; the filesystem is "
                + CommandSandbox.describeWritable(permissions) + "; only the system folders, the worktree and its git "
                + "metadata are visible. " + limits + " " + CommandSandbox.describeLimits(sandbox.limits()) + allowed;
    }

    private record Property(String name, ObjectNode node) {
    }

    private static ObjectNode schema(List<String> required, Property... properties) {
        ObjectNode schema = JSON.objectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        for (Property property : properties) {
            props.set(property.name(), property.node());
        }
        ArrayNode requiredNames = schema.putArray("required");
        required.forEach(requiredNames::add);
        schema.put("additionalProperties", false);
        return schema;
    }

    private static Property property(String name, String type, String description) {
        ObjectNode node = JSON.objectNode().put("type", type).put("description", description);
        if (type.equals("integer")) {
            node.put("minimum", 1);
        }
        return new Property(name, node);
    }
}
