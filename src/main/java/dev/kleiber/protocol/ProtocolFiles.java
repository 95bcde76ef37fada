package dev.kleiber.protocol;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The file edge of the protocol: bounded, link-refusing reads, and writes that refuse a document whose text would
 * not read back unchanged and replace the file atomically ({@link AtomicFiles}).
 */
public final class ProtocolFiles {
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
        AtomicFiles.write(file, text);
        return file;
    }
}
