package dev.kleiber.config;

import dev.kleiber.routing.Tier;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A role from {@code .kleiber/agents/NAME.md}: Claude Code subagent keys ({@code name}, {@code description},
 * {@code model}, {@code tools}) plus Kleiber's own ({@code write}, {@code read}, {@code commands}) and the prompt.
 * An empty {@code model} ({@code inherit} or absent) leaves the tier to the router.
 */
public record AgentDefinition(
        String name,
        String description,
        Optional<Tier> model,
        List<String> tools,
        List<String> write,
        List<String> read,
        List<String> commands,
        String prompt,
        Path source) {

    /** The tool names of DESIGN.md, in the order they are offered. */
    public static final List<String> TOOL_NAMES = List.of("read_file", "list_files", "search", "write_file",
            "edit_file", "run_command", "complete_task", "report_blocked", "request_escalation");

    public AgentDefinition {
        tools = List.copyOf(tools);
        write = List.copyOf(write);
        read = List.copyOf(read);
        commands = List.copyOf(commands);
    }
}
