package dev.kleiber.protocol;

import dev.kleiber.routing.Tier;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/** {@code complete/{agent}/{task-id}-done.md}: an agent's report that its task is done. */
public record CompleteFile(String id, String agent, OffsetDateTime completed, Tier modelUsed, Tokens tokens,
                           String summary, List<FileChange> filesChanged, List<String> testsAdded,
                           List<String> decisions, List<CheckItem> readyForReview,
                           List<Field> extraFields, List<Section> extraSections) implements ProtocolDocument {
    public CompleteFile {
        Text.requireSafeName("id", id);
        Text.requireSafeName("agent", agent);
        Objects.requireNonNull(completed, "completed");
        Objects.requireNonNull(modelUsed, "modelUsed");
        Objects.requireNonNull(tokens, "tokens");
        summary = Text.block(summary);
        filesChanged = List.copyOf(filesChanged);
        testsAdded = Text.lines(testsAdded);
        decisions = Text.lines(decisions);
        readyForReview = List.copyOf(readyForReview);
        extraFields = List.copyOf(extraFields);
        extraSections = List.copyOf(extraSections);
    }

    @Override
    public Kind kind() {
        return Kind.COMPLETE;
    }
}
