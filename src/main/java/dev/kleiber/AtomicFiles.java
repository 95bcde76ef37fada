package dev.kleiber;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kleiber's one way to replace a file: a temp file in the same folder, written and fsynced, renamed over the target,
 * then the folder fsynced — so a reader sees the old file or the new one, never half of one, and a crash right after
 * leaves the new one. A replaced file keeps its permissions; a new one gets the process's defaults (umask).
 */
public final class AtomicFiles {
    /** {@code .{name}.{writer's pid}-{random}.tmp}: the pid lets a later run remove what a killed writer left. */
    private static final Pattern TEMP_NAME = Pattern.compile("^\\..+\\.(\\d{1,18})-\\d+\\.tmp$");

    private AtomicFiles() {
    }

    /** Replaces {@code file} with {@code text} in UTF-8, creating its folder when needed. */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces {@code file} with {@code bytes}, creating its folder when needed. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = folder.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) + ".tmp");
        try {
            // CREATE_NEW never follows a link planted at the temp's name, and takes the umask's permissions
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && Files.getFileStore(folder).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically on this file system", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncFolder(folder);
    }

    /**
     * Deletes the temp files of {@link #write} that a process killed mid-write left under {@code folders} (a writer
     * whose pid is no longer alive on this host); returns what it deleted.
     */
    public static List<Path> removeAbandonedTemps(List<Path> folders) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Matcher temp = TEMP_NAME.matcher(file.getFileName().toString());
                    if (temp.matches() && ProcessHandle.of(Long.parseLong(temp.group(1))).filter(ProcessHandle::isAlive).isEmpty()) {
                        Files.deleteIfExists(file);
                        removed.add(file);
                    }
                }
            }
        }
        return removed;
    }

    /** Makes the rename itself durable; some platforms cannot open a folder for syncing, which only costs durability. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every platform supports fsync on a directory; the rename is still atomic.
        }
    }
}
