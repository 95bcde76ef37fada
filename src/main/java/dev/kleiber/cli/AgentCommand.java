package dev.kleiber.cli;

import picocli.CommandLine.Command;

@Command(name = "agent", description = "Run one task's agent by hand.", subcommands = AgentRunCommand.class)
final class AgentCommand {
}
