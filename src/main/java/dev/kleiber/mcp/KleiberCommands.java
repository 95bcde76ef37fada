package dev.kleiber.mcp;

import java.util.List;

/** Runs one {@code kleiber} command line (without the word {@code kleiber}) in the project and returns its outcome. */
@FunctionalInterface
public interface KleiberCommands {
    CommandOutcome run(List<String> args);
}
