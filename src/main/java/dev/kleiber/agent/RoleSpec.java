package dev.kleiber.agent;

import dev.kleiber.config.AgentDefinition;

import java.util.EnumSet;
import java.util.Set;

/** A role as a session needs it: its name, its prompt and what it may do. */
public record RoleSpec(String name, String prompt, RolePermissions permissions) {

    /** The role a project's {@code .kleiber/agents/NAME.md} defines. */
    public static RoleSpec from(AgentDefinition definition) {
        Set<ToolName> tools = EnumSet.noneOf(ToolName.class);
        definition.tools().forEach(tool -> ToolName.parse(tool).ifPresent(tools::add));
        return new RoleSpec(definition.name(), definition.prompt(), RolePermissions.of(definition.name(), tools,
                definition.write(), definition.read(), definition.commands()));
    }
}
