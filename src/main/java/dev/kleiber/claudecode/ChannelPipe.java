package dev.kleiber.claudecode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Two connected channels joined: bytes are copied both ways until both directions have ended, then both close. */
final class ChannelPipe {
    private static final int BUFFER_BYTES = 64 * 1024;

    private ChannelPipe() {
    }

    /** Joins {@code a} and {@code b} and returns when both directions have ended (or either failed). */
    static void join(SocketChannel a, SocketChannel b) {
        try (a; b) {
            Thread back = Thread.ofVirtual().name("kleiber-pipe").start(() -> copy(b, a));
            copy(a, b);
            back.join();
        } catch (IOException e) {
            // closing a connection that already failed: nothing more to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies until {@code from} ends, then half-closes {@code to} so the far side sees the end too. */
    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: closing both (in join) ends the other direction as well
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
