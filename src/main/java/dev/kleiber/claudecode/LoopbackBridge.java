package dev.kleiber.claudecode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Runs inside the sandbox, in front of the agent CLI: listens on a free loopback port of the sandbox's own network
 * namespace (which has nothing else), relays every connection to the metering proxy's unix socket
 * ({@link ProxySocket}), and starts the CLI with {@code ANTHROPIC_BASE_URL} pointing at that port. It exits with the
 * CLI's exit status. Usage: {@code LoopbackBridge SOCKET -- PROGRAM ARGS...}.
 */
public final class LoopbackBridge {
    static final String BASE_URL = "ANTHROPIC_BASE_URL";

    private LoopbackBridge() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int dashes = Arrays.asList(args).indexOf("--");
        if (args.length < 3 || dashes != 1) {
            System.err.println("usage: LoopbackBridge SOCKET -- PROGRAM ARGS...");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        List<String> program = List.of(args).subList(2, args.length);
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ProxySocket.MAX_CONNECTIONS);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        Semaphore open = new Semaphore(ProxySocket.MAX_CONNECTIONS);
        Thread.ofPlatform().daemon().name("kleiber-bridge").start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel cli = server.accept();
                    open.acquire();
                    Thread.ofVirtual().start(() -> {
                        try (SocketChannel proxy = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                            proxy.connect(UnixDomainSocketAddress.of(socket));
                            ChannelPipe.join(cli, proxy);
                        } catch (IOException e) {
                            try {
                                cli.close(); // the CLI sees a refused call and reports it
                            } catch (IOException ignored) {
                                // already closed
                            }
                        } finally {
                            open.release();
                        }
                    });
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        ProcessBuilder builder = new ProcessBuilder(program).inheritIO();
        builder.environment().put(BASE_URL, "http://127.0.0.1:" + port);
        Process cli = builder.start();
        // stopped from outside without a pid namespace (sandbox: none): the CLI and what it started go too
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cli.descendants().forEach(ProcessHandle::destroy);
            cli.destroy();
        }));
        int exit = cli.waitFor();
        server.close();
        System.exit(exit);
    }
}
