package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Roles;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one role may do: the tools it is offered, the worktree paths its file tools may write and read,
 * and the command lines {@code run_command} accepts (globs over the whole line; none means the role has
 * no {@code run_command}). No read globs means {@code **}. Enforced by {@link PathGuard}, {@link ToolExecutor} and {@link CommandSandbox}.
 */
public record RolePermissions(
        String role, Set<ToolName> tools, List<Glob> writeGlobs, List<Glob> readGlobs, List<Glob> commandPatterns) {

    private static final Set<ToolName> READ_TOOLS = EnumSet.of(ToolName.READ_FILE, ToolName.LIST_FILES, ToolName.SEARCH);
    private static final Set<ToolName> PROTOCOL_TOOLS =
            EnumSet.of(ToolName.COMPLETE_TASK, ToolName.REPORT_BLOCKED, ToolName.REQUEST_ESCALATION);
    private static final List<Glob> EVERYTHING = List.of(Glob.path("**"));

    public RolePermissions {
        if (role.isBlank()) {
            throw KleiberException.badInput("role name is empty");
        }
        tools = Set.copyOf(tools);
        writeGlobs = List.copyOf(writeGlobs);
        // Reading defaults to the whole worktree; PathGuard still keeps .git and .kleiber out of reach.
        readGlobs = readGlobs.isEmpty() ? EVERYTHING : List.copyOf(readGlobs);
        commandPatterns = List.copyOf(commandPatterns);
    }

    /** Permissions from plain strings, as an agent definition file spells them; bad globs are bad input. */
    public static RolePermissions of(
            String role, Set<ToolName> tools, List<String> write, List<String> read, List<String> commands) {
        return new RolePermissions(role, tools,
                write.stream().map(Glob::path).toList(),
                read.stream().map(Glob::path).toList(),
                commands.stream().map(Glob::commandLine).toList());
    }

    /** The blueprint's permissions for one of {@link Roles#BLUEPRINT}. */
    public static RolePermissions blueprintDefault(String role) {
        return switch (role) {
            case Roles.CONDUCTOR -> of(role, READ_TOOLS, List.of(), List.of(), List.of());
            case Roles.ARCHITECT -> of(role, with(READ_TOOLS, ToolName.WRITE_FILE, ToolName.EDIT_FILE),
                    List.of("docs/architecture/**"), List.of(), List.of());
            case Roles.ENGINEER_FRONTEND -> of(role, EnumSet.allOf(ToolName.class),
                    List.of("src/frontend/**", "src/components/**", "tests/frontend/**", "tests/e2e/**"),
                    List.of(), List.of("*"));
            case Roles.ENGINEER_BACKEND -> of(role, EnumSet.allOf(ToolName.class),
                    List.of("src/backend/**", "src/services/**", "src/db/**", "tests/integration/**"),
                    List.of(), List.of("*"));
            case Roles.VALIDATOR -> of(role, with(READ_TOOLS, ToolName.WRITE_FILE, ToolName.RUN_COMMAND),
                    List.of("reports/**"), List.of(), List.of("*"));
            case Roles.SCRIBE -> of(role, with(READ_TOOLS, ToolName.WRITE_FILE, ToolName.EDIT_FILE),
                    List.of("docs/**", "**/*.md"), List.of(), List.of());
            default -> throw KleiberException.badInput(
                    "'" + role + "' is not a blueprint role; expected one of " + String.join(", ", Roles.BLUEPRINT));
        };
    }

    /** These permissions with {@code write} as the write globs when given (kleiber.yaml's {@code layout.write}). */
    public RolePermissions withWrite(java.util.Optional<List<String>> write) {
        return write.map(globs -> new RolePermissions(role, tools, globs.stream().map(Glob::path).toList(), readGlobs,
                commandPatterns)).orElse(this);
    }

    /**
     * Whether the model is offered {@code tool}: the role lists it, and it has something to act on
     * (write tools need write globs, {@code run_command} needs command patterns).
     */
    public boolean offers(ToolName tool) {
        if (!tools.contains(tool)) {
            return false;
        }
        return switch (tool.kind()) {
            case WRITE -> !writeGlobs.isEmpty();
            case COMMAND -> !commandPatterns.isEmpty();
            case READ, PROTOCOL -> true;
        };
    }

    public boolean mayWrite(String relativePath) {
        return writeGlobs.stream().anyMatch(g -> g.matches(relativePath));
    }

    public boolean mayRead(String relativePath) {
        return readGlobs.stream().anyMatch(g -> g.matches(relativePath));
    }

    public boolean mayRun(String commandLine) {
        return commandPatterns.stream().anyMatch(g -> g.matches(commandLine));
    }

    private static Set<ToolName> with(Set<ToolName> base, ToolName... more) {
        Set<ToolName> all = EnumSet.copyOf(base);
        all.addAll(List.of(more));
        all.addAll(PROTOCOL_TOOLS);
        return all;
    }
}
