package dev.kleiber.protocol;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/** {@code blocked/{agent}/{task-id}-conflict.md}: an agent (or the budget guard) asking the conductor for help. */
public record BlockedFile(String id, String agent, OffsetDateTime blockedSince, BlockType type, String problem,
                          List<String> attemptedSolutions, String needFromConductor,
                          List<Field> extraFields, List<Section> extraSections) implements ProtocolDocument {
    public BlockedFile {
        Text.requireSafeName("id", id);
        Text.requireSafeName("agent", agent);
        Objects.requireNonNull(blockedSince, "blockedSince");
        Objects.requireNonNull(type, "type");
        problem = Text.block(problem);
        attemptedSolutions = Text.lines(attemptedSolutions);
        needFromConductor = Text.block(needFromConductor);
        extraFields = List.copyOf(extraFields);
        extraSections = List.copyOf(extraSections);
    }

    @Override
    public Kind kind() {
        return Kind.BLOCKED;
    }
}
