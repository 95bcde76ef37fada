package dev.kleiber.server;

import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.cli.ServerProcess;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load on the real server (bench/serve-load.sh): requests per second and latency percentiles of a read endpoint
 * (authentication, the store-backed rate limit and the status document on every request), the event stream's
 * delivery latency with 200 connected clients, and the cost of one rate-limit take on the store alone.
 *
 * <p>Arguments: {@code sqlite|postgresql} (default sqlite), seconds of read load (default 15), read clients (16),
 * stream clients (200), events (100), servers (1; 2 = blue and green on the one store, as during a blue-green switch:
 * the read clients and the streams are spread over both, and the rate limit is the store's).
 */
public final class ServeBench {
    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "sqlite";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int readers = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int streams = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int events = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        int replicas = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        Path dir = Files.createTempDirectory("kleiber-serve-bench");
        Path repo = GitRepos.init(Files.createDirectories(dir.resolve("repo")));
        CliContext context = new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC());
        Cli cli = new Cli(context);
        check(cli.run("init"));
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        StoreUrl url = kind.equals("postgresql") ? TestStores.fresh(TestStores.Kind.POSTGRESQL, dir)
                : new StoreUrl.Sqlite(repo.resolve(".kleiber/state.db"));
        Files.writeString(config, Files.readString(config).replace("\nstore: sqlite\n", "\nstore: "
                + (kind.equals("postgresql") ? url.toString() : "sqlite") + "\n")
                + "\nserver:\n  rate_limits: {reads_per_minute: 1000000, writes_per_minute: 1000}\n");
        String token = ApiFixture.JSON.readTree(check(cli.run("token", "create", "--name", "bench", "--scope", "read",
                "--json")).out()).path("secret").asText();
        String runId = "run-bench";
        try (Store store = Store.open(url, Clock.systemUTC())) {
            store.runs().create(runId, "the benchmark's run");
        }
        System.out.printf("store %s, %d server(s), %d cores, load %s%n", kind, replicas,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < replicas; i++) {
                servers.add(ServerProcess.start(context, Optional.of("127.0.0.1"), Optional.of(0), Optional.empty(),
                        new PrintWriter(System.err, true)));
            }
            reads(servers, token, "/api/v1/runs/" + runId, readers, Duration.ofSeconds(seconds));
            reads(servers, token, "/api/v1/budget", readers, Duration.ofSeconds(seconds));
            stream(servers, url, token, runId, streams, events);
        } finally {
            servers.forEach(ServerProcess::close);
        }
        try (Store store = Store.open(url, Clock.systemUTC())) {
            limiter(store, 4, Duration.ofSeconds(5));
        }
        System.exit(0);
    }

    private static void reads(List<ServerProcess> servers, String token, String path, int clients, Duration length)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpRequest> requests = servers.stream().map(server -> HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Bearer " + token).GET().build()).toList();
        for (int i = 0; i < 50; i++) {
            http.send(requests.get(i % requests.size()), HttpResponse.BodyHandlers.discarding());
        }
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            HttpRequest request = requests.get(c % requests.size());
            threads.add(Thread.ofPlatform().start(() -> {
                List<Long> mine = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    mine.add(System.nanoTime() - start);
                }
                latencies.add(mine.stream().mapToLong(Long::longValue).toArray());
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("GET %s, %d clients on %d server(s), %ds: %d requests, %.0f req/s, p50 %.1f ms, p99 %.1f ms, non-200 %d%n",
                path, clients, requests.size(), length.toSeconds(), all.length, all.length / (double) length.toSeconds(),
                percentile(all, 50), percentile(all, 99), failures.get());
    }

    private static void stream(List<ServerProcess> servers, StoreUrl url, String token, String runId, int clients,
                               int events) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            ServerProcess server = servers.get(c % servers.size());
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + runId + "/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
                connected.countDown();
                int seen = 0;
                var lines = response.body().iterator();
                while (seen < events && lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("data: ")) {
                        try {
                            long sent = ApiFixture.JSON.readTree(line.substring(6)).path("sentNanos").asLong();
                            delays.add(System.nanoTime() - sent);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        seen++;
                    }
                }
                response.body().close();
                done.countDown();
            });
        }
        if (!connected.await(60, TimeUnit.SECONDS)) {
            System.out.printf("only %d of %d streams connected%n", clients - connected.getCount(), clients);
        }
        try (Store store = Store.open(url, Clock.systemUTC())) {
            for (int i = 0; i < events; i++) {
                store.runEvents().append(runId, "t", java.time.Instant.now(), "TaskQueued",
                        "{\"kind\":\"TaskQueued\",\"sentNanos\":" + System.nanoTime() + "}");
                Thread.sleep(20);
            }
        }
        boolean all = done.await(60, TimeUnit.SECONDS);
        long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("SSE, %d clients on %d server(s), %d events at 50/s: %d of %d deliveries%s, delay p50 %.1f ms, "
                        + "p99 %.1f ms, max %.1f ms%n", clients, servers.size(), events, sorted.length, (long) clients * events, all ? "" : " (timed out)",
                percentile(sorted, 50), percentile(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    /** One take of a token bucket on the store, without HTTP: what the limit adds to each request. */
    private static void limiter(Store store, int threads, Duration length) throws Exception {
        RateLimits limits = new RateLimits(store.database(), Clock.systemUTC());
        AtomicLong takes = new AtomicLong();
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + length.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            workers.add(Thread.ofPlatform().start(() -> {
                List<Long> mine = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    limits.take("read:bench-" + n, 1_000_000);
                    mine.add(System.nanoTime() - start);
                    takes.incrementAndGet();
                }
                latencies.add(mine.stream().mapToLong(Long::longValue).toArray());
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("rate-limit take on the store, %d threads: %.0f takes/s, p50 %.2f ms, p99 %.2f ms%n", threads,
                takes.get() / (double) length.toSeconds(), percentile(all, 50), percentile(all, 99));
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static Cli.Result check(Cli.Result result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(result.out() + result.err());
        }
        return result;
    }
}
