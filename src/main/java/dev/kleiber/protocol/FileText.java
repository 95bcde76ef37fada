package dev.kleiber.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns a protocol file's bytes into text, refusing what must not be read: more than 256 KiB, bytes that
 * are not UTF-8, and UTF-16/UTF-32 byte-order marks. A UTF-8 byte-order mark at the start (as some
 * Windows editors write) is dropped; one anywhere else is refused. Pure.
 */
public final class FileText {
    /** The largest protocol file Kleiber reads. */
    public static final int MAX_BYTES = 256 * 1024;

    private FileText() {
    }

    /** The text of {@code bytes}, or the problem that stops it being read. */
    public static Decoded decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            return new Decoded.Refused(new Problem(1, "the file is larger than 256 KiB; protocol files are short markdown "
                    + "documents"));
        }
        Optional<String> wideBom = wideByteOrderMark(bytes);
        if (wideBom.isPresent()) {
            return new Decoded.Refused(new Problem(1, "the file starts with a " + wideBom.get()
                    + " byte-order mark; save it as UTF-8 without a byte-order mark"));
        }
        int start = hasUtf8Bom(bytes) ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            return new Decoded.Refused(new Problem(lineAt(bytes, offset), "the file is not valid UTF-8 (byte "
                    + (offset + 1) + " is 0x" + String.format("%02X", bytes[offset] & 0xFF) + "); save it as UTF-8"));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        int stray = text.indexOf('\uFEFF');
        if (stray >= 0) {
            return new Decoded.Refused(new Problem(lineOf(text, stray), "a byte-order mark (U+FEFF) in the middle of "
                    + "the file; was it pasted from another file? Remove it"));
        }
        return new Decoded.Text(text);
    }

    /** What {@link #decode} gives: the text, or why it was refused. */
    public sealed interface Decoded {
        record Text(String text) implements Decoded {
        }

        record Refused(Problem problem) implements Decoded {
        }
    }

    private static boolean hasUtf8Bom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    }

    private static Optional<String> wideByteOrderMark(byte[] b) {
        if (b.length >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xFF) == 0xFE && (b[3] & 0xFF) == 0xFF) {
            return Optional.of("UTF-32 (big-endian)");
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE && b[2] == 0 && b[3] == 0) {
            return Optional.of("UTF-32 (little-endian)");
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return Optional.of("UTF-16 (big-endian)");
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return Optional.of("UTF-16 (little-endian)");
        }
        return Optional.empty();
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
