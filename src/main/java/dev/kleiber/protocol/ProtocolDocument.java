package dev.kleiber.protocol;

import java.util.List;

/** One protocol file's content, whatever its kind. */
public sealed interface ProtocolDocument permits TaskFile, StartedFile, CompleteFile, BlockedFile {
    /** The task id from the heading, e.g. {@code feat-001} or {@code budget-2026-11-25}. */
    String id();

    /** The agent role named on the {@code Agent:} line. */
    String agent();

    Kind kind();

    /** {@code Label: value} lines the blueprint does not define, in file order. */
    List<Field> extraFields();

    /** {@code ##} sections the blueprint does not define, in file order. */
    List<Section> extraSections();

    /** Where this file lives under the repository root, e.g. {@code tasks/engineer-backend/feat-001.md}. */
    default FileLocation location() {
        return new FileLocation(kind(), agent(), id());
    }
}
