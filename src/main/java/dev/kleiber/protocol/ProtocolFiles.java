package dev.kleiber.protocol;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file edge of the protocol: bounded, link-refusing reads and atomic writes (temp file in the same
 * folder, fsync, rename, fsync of the folder), so that a reader never sees half a file Kleiber wrote.
 */
public final class ProtocolFiles {
    private static final Pattern TEMP_NAME = Pattern.compile("^\\..+\\.(\\d{1,18})-\\d+\\.tmp$");

    private ProtocolFiles() {
    }

    /** At most {@link FileText#MAX_BYTES} + 1 bytes of {@code file}; a symbolic link is refused. */
    public static byte[] readBytes(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link; protocol files must be regular files");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes(FileText.MAX_BYTES + 1);
        }
    }

    /** The text of {@code file}, or the problem (size, encoding, byte-order mark) that stops it being read. */
    public static FileText.Decoded read(Path file) throws IOException {
        return FileText.decode(readBytes(file));
    }

    /** Reads and parses the protocol file at {@code file}, which sits at {@code location}. */
    public static ParseResult parse(Path file, FileLocation location, ProtocolParser parser) throws IOException {
        return switch (read(file)) {
            case FileText.Decoded.Text text -> parser.parse(text.text(), location);
            case FileText.Decoded.Refused refused -> new ParseResult.Rejected(List.of(refused.problem()));
        };
    }

    /**
     * Renders {@code document} to its place under {@code root}; returns the file written. A document whose text
     * would read back differently (markdown inside it that the layout cannot hold) is refused, never written.
     */
    public static Path write(Path root, ProtocolDocument document) throws IOException {
        Path file = root.resolve(document.location().relativePath());
        String text = ProtocolRenderer.render(document);
        ParseResult readBack = new ProtocolParser(List.of(document.agent())).parse(text, document.location());
        if (!readBack.equals(new ParseResult.Parsed(document))) {
            throw KleiberException.failed("cannot write " + document.location().relativePath() + ": its text would not "
                    + "read back unchanged (a '## ' heading line or an unclosed ``` fence inside a section, or a list "
                    + "item that is itself markdown?)");
        }
        writeAtomically(file, text);
        return file;
    }

    /** Replaces {@code file} with {@code text} (UTF-8) in one step: readers see the old or the new file, never a mix. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        // the writer's pid in the name lets a later run remove what a killed writer left (removeAbandonedTemps)
        Path temp = Files.createTempFile(folder, "." + file.getFileName() + "." + ProcessHandle.current().pid() + "-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
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
     * Deletes the temp files of {@link #writeAtomically} that a process killed mid-write left under {@code folders}
     * (a writer whose pid is no longer alive on this host); returns what it deleted.
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
