package dev.kleiber.agent;

import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.protocol.FileChange;
import dev.kleiber.routing.Tier;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The result of running one task's agent once: the outcome, what it cost in tokens, the refusals its tools
 * returned, the commit it left on its branch (none when it changed nothing) and the protocol file written.
 */
public record TaskRun(String taskId, String agent, int attempt, Tier tier, String modelId, SessionReport session,
                      List<String> refusals, Optional<String> commit, List<FileChange> filesChanged,
                      Optional<Path> protocolFile) {
    public TaskRun {
        refusals = List.copyOf(refusals);
        filesChanged = List.copyOf(filesChanged);
    }

    public SessionOutcome outcome() {
        return session.outcome();
    }

    public TokenUsage usage() {
        return session.usage();
    }
}
