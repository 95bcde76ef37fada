package dev.kleiber.protocol;

import dev.kleiber.routing.Tier;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/** {@code tasks/{agent}/{task-id}.md}: the conductor's assignment of one task to one agent. */
public record TaskFile(String id, String agent, Tier model, Priority priority, OffsetDateTime created,
                       String description, List<CheckItem> acceptanceCriteria, String context, String constraints,
                       List<Field> extraFields, List<Section> extraSections) implements ProtocolDocument {
    public TaskFile {
        Text.requireSafeName("id", id);
        Text.requireSafeName("agent", agent);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(created, "created");
        description = Text.block(description);
        acceptanceCriteria = List.copyOf(acceptanceCriteria);
        context = Text.block(context);
        constraints = Text.block(constraints);
        extraFields = List.copyOf(extraFields);
        extraSections = List.copyOf(extraSections);
    }

    @Override
    public Kind kind() {
        return Kind.TASK;
    }
}
