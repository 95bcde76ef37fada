package dev.kleiber.claudecode;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * The metering proxy's only door into a sandbox that has no network: a unix socket, bind-mounted into the sandbox,
 * whose every connection is relayed to the proxy's loopback port. Inside, {@link LoopbackBridge} turns it back into
 * a loopback port for the CLI. At most {@link #MAX_CONNECTIONS} connections are relayed at once.
 */
final class ProxySocket implements AutoCloseable {
    static final int MAX_CONNECTIONS = 32;

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    private ProxySocket(Path path, InetSocketAddress proxy) throws IOException {
        this.path = path;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Semaphore open = new Semaphore(MAX_CONNECTIONS);
        this.acceptor = Thread.ofVirtual().name("kleiber-proxy-socket").start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel inside = server.accept();
                    open.acquire();
                    Thread.ofVirtual().name("kleiber-proxy-socket-relay").start(() -> {
                        try {
                            ChannelPipe.join(inside, SocketChannel.open(proxy));
                        } catch (IOException e) {
                            close(inside);
                        } finally {
                            open.release();
                        }
                    });
                } catch (IOException e) {
                    return; // closed
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Listens on {@code path} (which must not exist) and relays to {@code proxy}. */
    static ProxySocket open(Path path, InetSocketAddress proxy) {
        try {
            return new ProxySocket(path, proxy);
        } catch (IOException e) {
            throw KleiberException.failed("cannot open the metering proxy's socket " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        close(server);
        acceptor.interrupt();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the session folder holding it is deleted next
        }
    }

    private static void close(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
