package dev.kleiber.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The names a repository's configuration defines ({@code git config --list --name-only}), which {@link InertGit}
 * must neutralise before each call, read once per repository and again only when one of its configuration files
 * changed. Reading them was a second git process before every git call, doubling git's processes per task.
 *
 * <p>The files that can define names for a folder are its repository's {@code config} (in the common git folder)
 * and the worktree's {@code config.worktree}; system and global files are never read ({@link InertGit}). Each is
 * remembered by size, modification time (nanoseconds), inode and existence; any difference reads the names again.
 * A listing that includes other files ({@code include.path}, {@code includeIf.*}) is never kept, since a change
 * to an included file would not be seen, and neither is a failed one; a folder whose git folder cannot be found
 * without git is always read afresh.
 */
final class ConfigNames {
    /** What a file looked like: absent, or its size, modification time and identity. */
    private record FileState(boolean exists, long size, long modifiedNanos, Object key) {
        static FileState of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                long nanos = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
                return new FileState(true, a.size(), nanos, a.fileKey());
            } catch (IOException e) {
                return new FileState(false, -1, -1, null);
            }
        }
    }

    private record Entry(List<FileState> states, List<String> names) {
    }

    private final ConcurrentMap<List<Path>, Entry> byFiles = new ConcurrentHashMap<>();
    private final boolean caching;

    private ConfigNames(boolean caching) {
        this.caching = caching;
    }

    /** Remembers names per repository, for one repository object and the worktrees it serves. */
    static ConfigNames cached() {
        return new ConfigNames(true);
    }

    /** Reads the names before every call. */
    static ConfigNames uncached() {
        return new ConfigNames(false);
    }

    /**
     * The names that apply in {@code dir}; {@code read} lists them with git, empty when git could not.
     */
    List<String> of(Path dir, Supplier<Optional<List<String>>> read) {
        Optional<List<Path>> files = caching ? configFiles(dir) : Optional.empty();
        if (files.isEmpty()) {
            return read.get().orElse(List.of());
        }
        List<Path> key = files.get();
        // the files' states are taken before git reads them: a change while it reads is seen on the next call
        List<FileState> states = files.get().stream().map(FileState::of).toList();
        Entry known = byFiles.get(key);
        if (known != null && known.states().equals(states)) {
            return known.names();
        }
        Optional<List<String>> names = read.get();
        if (names.isPresent() && names.get().stream().noneMatch(ConfigNames::includes)) {
            byFiles.put(key, new Entry(states, List.copyOf(names.get())));
        } else {
            byFiles.remove(key);
        }
        return names.orElse(List.of());
    }

    private static boolean includes(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("include.") || lower.startsWith("includeif.");
    }

    /**
     * The configuration files git reads for {@code dir} (repository config first, then the worktree's), found as git
     * finds them: the nearest {@code .git} folder, or {@code .git} file naming the worktree's git folder, upwards.
     */
    static Optional<List<Path>> configFiles(Path dir) {
        for (Path at = dir.toAbsolutePath().normalize(); at != null; at = at.getParent()) {
            Path dotGit = at.resolve(".git");
            if (Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(files(dotGit, dotGit));
            }
            if (Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
                return gitDirOf(dotGit).flatMap(gitDir -> commonDirOf(gitDir).map(common -> files(common, gitDir)));
            }
            if (Files.exists(dotGit, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static List<Path> files(Path common, Path gitDir) {
        List<Path> files = new ArrayList<>();
        files.add(common.resolve("config"));
        files.add(gitDir.resolve("config.worktree"));
        return List.copyOf(files);
    }

    /** {@code gitdir: PATH} of a worktree's {@code .git} file, relative to the file's folder when not absolute. */
    private static Optional<Path> gitDirOf(Path dotGitFile) {
        return firstLine(dotGitFile).filter(line -> line.startsWith("gitdir: "))
                .map(line -> dotGitFile.getParent().resolve(line.substring("gitdir: ".length()).strip()).normalize())
                .filter(Files::isDirectory);
    }

    /** The common git folder of a worktree's git folder: its {@code commondir} file, else the folder itself. */
    private static Optional<Path> commonDirOf(Path gitDir) {
        Path commondir = gitDir.resolve("commondir");
        if (!Files.exists(commondir)) {
            return Optional.of(gitDir);
        }
        return firstLine(commondir).map(line -> gitDir.resolve(line.strip()).normalize()).filter(Files::isDirectory);
    }

    private static Optional<String> firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().filter(Objects::nonNull);
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
