package dev.kleiber.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} on the JDK's HTTP server, for a process that has no other server: {@code kleiber worker
 * --metrics-port N} and {@code kleiber run --metrics-port N}. One thread answers; Prometheus scrapes one at a time.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Listens on {@code address} (port 0 picks a free one; see {@link #port()}). */
    public static MetricsEndpoint start(InetSocketAddress address, KleiberMetrics metrics) throws IOException {
        HttpServer server = HttpServer.create(address, 8);
        server.createContext("/", exchange -> answer(exchange, metrics));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "kleiber-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, KleiberMetrics metrics) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/healthz")) {
                // the process answers: what a container's liveness probe asks (a worker has no other HTTP port)
                send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
            } else if (!path.equals("/metrics")) {
                send(exchange, 404, "text/plain; charset=utf-8", "only /metrics and /healthz are served here\n");
            } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
            } else {
                send(exchange, 200, KleiberMetrics.CONTENT_TYPE, metrics.scrape());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
