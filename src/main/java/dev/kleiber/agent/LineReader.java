package dev.kleiber.agent;

import java.io.IOException;
import java.io.Reader;
import java.util.Optional;

/**
 * Reads text line by line holding at most {@code maxChars} of any line: the rest of a longer line is read past and
 * counted, never kept, so a file of one 2 GB line costs a few kilobytes. Lines end at {@code \n}, {@code \r\n} or
 * {@code \r}, like {@link java.io.BufferedReader#readLine()}.
 */
final class LineReader implements AutoCloseable {
    /** One line: its first {@code maxChars} characters, and its full length when it was longer. */
    record Line(String text, long length) {
        boolean cut() {
            return length > text.length();
        }
    }

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean pendingCr;

    LineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line, or empty at the end of the text. */
    Optional<Line> next() throws IOException {
        StringBuilder kept = new StringBuilder();
        long length = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? Optional.of(new Line(kept.toString(), length)) : Optional.empty();
                }
            }
            if (pendingCr) {
                pendingCr = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            any = true;
            int end = position;
            while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
                end++;
            }
            int keep = (int) Math.min(end - position, Math.max(0, maxChars - length));
            kept.append(buffer, position, keep);
            length += end - position;
            position = end;
            if (end < limit) {
                pendingCr = buffer[position++] == '\r';
                return Optional.of(new Line(kept.toString(), length));
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
