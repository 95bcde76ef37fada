package dev.kleiber.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutputCaptureTest {

    private static OutputCapture capture(int cap, String... chunks) {
        List<InputStream> streams = java.util.Arrays.stream(chunks)
                .<InputStream>map(c -> new ByteArrayInputStream(c.getBytes(StandardCharsets.UTF_8))).toList();
        OutputCapture capture = new OutputCapture(cap);
        capture.drain(new SequenceInputStream(Collections.enumeration(streams)));
        return capture;
    }

    @Test
    void shortOutputIsKeptWhole() {
        OutputCapture capture = capture(1024, "hello ", "world");
        assertThat(capture.text()).isEqualTo("hello world");
        assertThat(capture.truncated()).isFalse();
        assertThat(capture.totalBytes()).isEqualTo(11);
    }

    @Test
    void outputJustOverTheHeadKeepsEveryByte() {
        String text = "a".repeat(512) + "b".repeat(300);
        OutputCapture capture = capture(1024, text);
        assertThat(capture.text()).isEqualTo(text);
        assertThat(capture.truncated()).isFalse();
    }

    @Test
    void longOutputKeepsHeadAndTailAndCountsTheRest() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            text.append(String.format("%05d\n", i));
        }
        OutputCapture capture = capture(1200, text.substring(0, 7000), text.substring(7000, 7001), text.substring(7001));
        String kept = capture.text();
        assertThat(capture.totalBytes()).isEqualTo(60_000);
        assertThat(capture.truncated()).isTrue();
        assertThat(kept).startsWith(text.substring(0, 600)).endsWith(text.substring(60_000 - 600));
        assertThat(kept).contains("[... " + (60_000 - 1200) + " bytes of output omitted ...]");
    }
}
