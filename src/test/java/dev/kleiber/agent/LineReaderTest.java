package dev.kleiber.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LineReaderTest {
    private static List<LineReader.Line> lines(String text, int max) throws IOException {
        List<LineReader.Line> lines = new ArrayList<>();
        try (LineReader reader = new LineReader(new StringReader(text), max)) {
            for (Optional<LineReader.Line> line = reader.next(); line.isPresent(); line = reader.next()) {
                lines.add(line.get());
            }
        }
        return lines;
    }

    @Test
    void splitsLikeReadLineOnEveryLineEnding() throws IOException {
        assertThat(lines("a\nb\r\nc\rd", 100)).extracting(LineReader.Line::text).containsExactly("a", "b", "c", "d");
        assertThat(lines("a\n\n", 100)).extracting(LineReader.Line::text).containsExactly("a", "");
        assertThat(lines("\r\n\r\n", 100)).extracting(LineReader.Line::text).containsExactly("", "");
        assertThat(lines("", 100)).isEmpty();
    }

    @Test
    void keepsOnlyTheBeginningOfALongLineAndCountsTheRest() throws IOException {
        List<LineReader.Line> lines = lines("x".repeat(10_000) + "\nshort\n", 10);
        assertThat(lines.get(0)).isEqualTo(new LineReader.Line("xxxxxxxxxx", 10_000));
        assertThat(lines.get(0).cut()).isTrue();
        assertThat(lines.get(1).cut()).isFalse();
    }

    /** 2.3 billion characters on one line, never held: the reader keeps its buffer and the first 2000 characters. */
    @Test
    void aLineOfTwoPointThreeBillionCharactersCostsKilobytes() throws IOException {
        long size = 2_300_000_000L;
        Reader endless = new Reader() {
            private long left = size;

            @Override
            public int read(char[] buffer, int offset, int length) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(length, left);
                java.util.Arrays.fill(buffer, offset, offset + n, 'y');
                left -= n;
                return n;
            }

            @Override
            public void close() {
            }
        };
        try (LineReader reader = new LineReader(endless, 2000)) {
            LineReader.Line line = reader.next().orElseThrow();
            assertThat(line.text()).hasSize(2000);
            assertThat(line.length()).isEqualTo(size);
            assertThat(reader.next()).isEmpty();
        }
    }
}
