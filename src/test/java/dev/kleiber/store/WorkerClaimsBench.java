package dev.kleiber.store;

import dev.kleiber.routing.Tier;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Claim throughput and latency of {@code kleiber worker} processes on one PostgreSQL: N real worker JVMs claim
 * from two runs at once ({@link TaskQueue#claimAny}), each "agent" sleeping a fixed time before its task merges.
 * Prints, per N: tasks per second, claim latency p50/p99 (the claim transaction as a worker sees it), and the
 * fairness across the runs (the small run's share of the first claims while both had work).
 * Usage (bench/worker-claims.sh): WorkerClaimsBench [WORKERS=1,4,16] [TASKS_BIG=300] [TASKS_SMALL=100] [AGENT_MS=20]
 */
public final class WorkerClaimsBench {
    private static final Duration TTL = Duration.ofMinutes(5);

    private WorkerClaimsBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], args[2], Long.parseLong(args[3]));
            return;
        }
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();
        int big = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int small = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        long agentMs = args.length > 3 ? Long.parseLong(args[3]) : 20;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start()) {
            System.out.println("| workers | tasks | wall s | tasks/s | claim p50 ms | claim p99 ms | small run's share of first "
                    + (2 * small) + " claims |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int n : counts) {
                one(pg, n, big, small, agentMs);
            }
        }
    }

    private static void one(EmbeddedPostgres pg, int workers, int big, int small, long agentMs) throws Exception {
        String name = "bench_" + workers;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        }
        String url = "postgresql://postgres@localhost:" + pg.getPort() + "/" + name;
        try (Store store = Store.open(StoreUrl.parse(url, Path.of("."), "bench"), Clock.systemUTC())) {
            for (String[] run : List.of(new String[] {"big", String.valueOf(big)}, new String[] {"small", String.valueOf(small)})) {
                store.runs().create(run[0], "bench run " + run[0]);
                List<Tasks.NewTask> tasks = new ArrayList<>();
                for (int i = 0; i < Integer.parseInt(run[1]); i++) {
                    tasks.add(new Tasks.NewTask(String.format("%s-%04d", run[0], i), "engineer-backend", Tier.SONNET, List.of()));
                }
                store.tasks().add(run[0], tasks);
                store.runs().setState(run[0], "waiting");
            }
            List<Process> children = new ArrayList<>();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int i = 0; i < workers; i++) {
                children.add(new ProcessBuilder(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), WorkerClaimsBench.class.getName(), "child", url,
                        "worker-" + i, String.valueOf(agentMs)).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            // the clock starts once every worker is up and registered: JVM start-up is not claiming
            while (store.workers().live().size() < workers) {
                Thread.sleep(50);
            }
            long start = System.nanoTime();
            store.runs().setState("big", "active");
            store.runs().setState("small", "active");
            List<Long> latencies = new ArrayList<>();
            for (Process child : children) {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        latencies.add(Long.parseLong(line.strip()));
                    }
                }
                child.waitFor(5, TimeUnit.MINUTES);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            List<String> order = store.database().read(tx -> tx.query(
                    "SELECT run_id FROM attempts ORDER BY started_ms, run_id", rs -> rs.getString(1)));
            long smallFirst = order.stream().limit(2L * small).filter("small"::equals).count();
            latencies.sort(null);
            System.out.printf("| %d | %d | %.1f | %.0f | %.1f | %.1f | %.0f%% |%n", workers, latencies.size(), wall,
                    latencies.size() / wall, latencies.get(latencies.size() / 2) / 1e6,
                    latencies.get((int) (latencies.size() * 0.99)) / 1e6, 100.0 * smallFirst / (2.0 * small));
        }
    }

    /** A worker process: registers, then claims until both runs are drained; prints each claim's latency in ns. */
    private static void child(String url, String holder, long agentMs) throws Exception {
        try (Store store = Store.open(StoreUrl.parse(url, Path.of("."), "bench"), Clock.systemUTC())) {
            store.workers().register(holder, "bench", ProcessHandle.current().pid(), 1, Set.of(), "", TTL);
            StringBuilder out = new StringBuilder();
            int idle = 0;
            while (idle < 20) {
                long t0 = System.nanoTime();
                Optional<Claim> claim = store.queue().claimAny(holder, Set.of(), TTL);
                long took = System.nanoTime() - t0;
                if (claim.isEmpty()) {
                    boolean left = store.database().read(tx -> tx.number(
                            "SELECT COUNT(*) FROM tasks WHERE state IN ('planned', 'queued', 'running')")) > 0;
                    idle = left ? 0 : idle + 1;
                    Thread.sleep(10);
                    continue;
                }
                out.append(took).append('\n');
                Thread.sleep(agentMs);
                store.tasks().transition(claim.get(), TaskState.VALIDATING, "simulated agent done");
                store.tasks().transition(claim.get(), TaskState.MERGED, "simulated merge");
            }
            store.workers().deregister(holder);
            System.out.print(out);
        }
    }
}
