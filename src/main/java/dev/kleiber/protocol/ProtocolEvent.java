package dev.kleiber.protocol;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** What {@link ProtocolWatcher} reports: once per complete version of a protocol file, and once when it goes away. */
public sealed interface ProtocolEvent {
    /** The file, under the watched repository root. */
    Path path();

    /** A new version of the file arrived and is valid. {@code contentHash} is the SHA-256 of its bytes. */
    record Accepted(Path path, ProtocolDocument document, String contentHash) implements ProtocolEvent {
        public Accepted {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(document, "document");
            Objects.requireNonNull(contentHash, "contentHash");
        }
    }

    /** A new version of the file arrived, stayed unchanged for the debounce window, and is invalid. */
    record Rejected(Path path, List<Problem> problems, String contentHash) implements ProtocolEvent {
        public Rejected {
            Objects.requireNonNull(path, "path");
            problems = List.copyOf(problems);
            Objects.requireNonNull(contentHash, "contentHash");
        }
    }

    /** A file that was reported before is gone. */
    record Removed(Path path) implements ProtocolEvent {
        public Removed {
            Objects.requireNonNull(path, "path");
        }
    }
}
