package dev.kleiber.protocol;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a protocol file lives relative to the repository root, {@code {folder}/{agent}/{file}}; the kind,
 * agent and task id it implies are what the file's content must agree with.
 */
public record FileLocation(Kind kind, String agent, String id) {
    /** For messages: the four places a protocol file may be. */
    public static final String EXPECTED = "tasks/{agent}/{task-id}.md, progress/{agent}/{task-id}-started.md, "
            + "complete/{agent}/{task-id}-done.md or blocked/{agent}/{task-id}-conflict.md";

    public FileLocation {
        Objects.requireNonNull(kind, "kind");
        Text.requireSafeName("agent", agent);
        Text.requireSafeName("id", id);
    }

    /** The location named by the last three parts of {@code path}, when they look like a protocol file. */
    public static Optional<FileLocation> of(Path path) {
        int count = path.getNameCount();
        if (count < 3) {
            return Optional.empty();
        }
        String file = path.getName(count - 1).toString();
        String agent = path.getName(count - 2).toString();
        Optional<Kind> kind = Kind.ofFolder(path.getName(count - 3).toString());
        if (kind.isEmpty() || !Text.isSafeName(agent)) {
            return Optional.empty();
        }
        return kind.get().idFromFileName(file).filter(Text::isSafeName).map(id -> new FileLocation(kind.get(), agent, id));
    }

    /**
     * Where the blocked file of {@code agent}'s task {@code taskId} is, relative to the repository root, e.g.
     * {@code blocked/engineer-backend/feat-001-conflict.md}: the one place that path is spelt.
     */
    public static String blockedFile(String agent, String taskId) {
        return new FileLocation(Kind.BLOCKED, agent, taskId).relativePath().toString();
    }

    /** The file name, e.g. {@code feat-001-done.md}. */
    public String fileName() {
        return kind.fileName(id);
    }

    /** The path relative to the repository root, e.g. {@code complete/engineer-backend/feat-001-done.md}. */
    public Path relativePath() {
        return Path.of(kind.folder(), agent, fileName());
    }
}
