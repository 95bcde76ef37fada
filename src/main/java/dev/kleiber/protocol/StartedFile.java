package dev.kleiber.protocol;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/** {@code progress/{agent}/{task-id}-started.md}: an agent acknowledging a task and saying how it will do it. */
public record StartedFile(String id, String agent, OffsetDateTime started, String estimated, String approach,
                          List<String> filesToTouch, List<Field> extraFields, List<Section> extraSections)
        implements ProtocolDocument {
    public StartedFile {
        Text.requireSafeName("id", id);
        Text.requireSafeName("agent", agent);
        Objects.requireNonNull(started, "started");
        estimated = Text.line(estimated);
        approach = Text.block(approach);
        filesToTouch = Text.lines(filesToTouch);
        extraFields = List.copyOf(extraFields);
        extraSections = List.copyOf(extraSections);
    }

    @Override
    public Kind kind() {
        return Kind.STARTED;
    }
}
