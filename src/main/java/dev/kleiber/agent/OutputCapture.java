package dev.kleiber.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains a process's output to the end while keeping only its first and last {@code cap / 2} bytes,
 * so a command printing gigabytes neither blocks on a full pipe nor fills the heap.
 */
final class OutputCapture {
    private final byte[] head;
    private final byte[] tail;
    private int headLength;
    private long total;

    OutputCapture(int capBytes) {
        head = new byte[capBytes - capBytes / 2];
        tail = new byte[capBytes / 2];
    }

    /** Reads {@code in} until end of stream or an I/O error (a killed process closes its pipe); never closes it. */
    void drain(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                accept(buffer, n);
            }
        } catch (IOException e) {
            // The stream was closed under us after a kill: what was read so far is the output.
        }
    }

    private synchronized void accept(byte[] buffer, int n) {
        int offset = 0;
        if (headLength < head.length) {
            int toHead = Math.min(n, head.length - headLength);
            System.arraycopy(buffer, 0, head, headLength, toHead);
            headLength += toHead;
            offset = toHead;
        }
        // The tail is a ring indexed by the absolute position of each byte past the head; bytes that
        // the rest of this same buffer would overwrite are skipped.
        for (int i = Math.max(offset, n - tail.length); i < n && tail.length > 0; i++) {
            long position = total + i - head.length;
            tail[(int) (position % tail.length)] = buffer[i];
        }
        total += n;
    }

    synchronized long totalBytes() {
        return total;
    }

    /** Whether bytes were dropped between the head and the tail. */
    synchronized boolean truncated() {
        return total > head.length + tail.length;
    }

    /** The kept text; when bytes were dropped, a marker between head and tail says how many. */
    synchronized String text() {
        long pastHead = Math.max(0, total - head.length);
        String headText = new String(head, 0, headLength, StandardCharsets.UTF_8);
        if (pastHead == 0) {
            return headText;
        }
        int tailLength = (int) Math.min(pastHead, tail.length);
        byte[] ordered = new byte[tailLength];
        long start = pastHead - tailLength;
        for (int i = 0; i < tailLength; i++) {
            ordered[i] = tail[(int) ((start + i) % tail.length)];
        }
        long omitted = pastHead - tailLength;
        String tailText = new String(ordered, StandardCharsets.UTF_8);
        return omitted == 0 ? headText + tailText
                : headText + "\n[... " + omitted + " bytes of output omitted ...]\n" + tailText;
    }
}
