package dev.kleiber.conductor;

import dev.kleiber.plan.CriticalPath;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.RandomDags;
import dev.kleiber.plan.TaskGraph;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Event;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;
import dev.kleiber.testutil.ManualClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The store-backed scheduling benchmark behind {@code bench/dispatch.sh}: the conductor's loop on a real SQLite
 * store — {@link Dispatcher} (scheduler decisions, queueing, claims under fenced leases), the store reads a
 * worker makes before its agent starts, the transitions and events when it finishes — with simulated agents of
 * random (log-normal) durations in place of the agent and git, on random DAGs of 1,000 tasks and N workers.
 *
 * <p>Time is simulated (one duration unit = one second on the store's clock), so the makespan measures the
 * decisions as the store drives them, against the lower bound max(critical path, total work / workers). The
 * orchestration overhead is measured directly: the wall time of every store and scheduler call the loop makes,
 * divided by the number of tasks. Leases get a one-day TTL because the simulated agents do not heartbeat. After
 * each run, the two ways of reading the whole run are timed on its store (median of 31): every task record with its
 * dependencies ({@code ofRun}, what status and the board read) and the states alone (what dispatch reads).
 */
public final class DispatchBench {
    private static final String RUN = "run-bench";
    private static final Duration TTL = Duration.ofDays(1);
    private static final int READS = 31;

    /** One simulated run's figures; the *Ns fields are wall time spent in orchestration code. */
    record Figures(long makespan, long lowerBound, int dispatches, long dispatchNs, long startNs, long finishNs,
                   long loopNs, long ofRunNs, long statesNs) {
        long totalNs() {
            return dispatchNs + startNs + finishNs + loopNs;
        }
    }

    private DispatchBench() {
    }

    public static void main(String[] args) throws IOException {
        int dagsPerShape = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int[] workers = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {4, 16};
        Path dir = Files.createTempDirectory("kleiber-dispatch-bench");
        System.out.printf(Locale.ROOT, "# Store-backed scheduling: %d DAG(s) of %d tasks per shape on SQLite, Java %s%n%n",
                dagsPerShape, size, Runtime.version());
        // one small run first so that the JIT and the SQLite driver are warm for the measured ones
        run(RandomDags.plan(1, 200, RandomDags.Shape.WINDOW), 4, dir.resolve("warm-up.db"));
        System.out.println("| shape | workers | makespan / lower bound | dispatches | orchestration ms/task | "
                + "dispatch ms/task | worker start ms/task | worker finish ms/task | run loop ms/task | tasks().ofRun ms | tasks().states ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        int n = 0;
        for (RandomDags.Shape shape : RandomDags.Shape.values()) {
            for (int w : workers) {
                for (int d = 0; d < dagsPerShape; d++) {
                    long seed = 1_000_003L * d + shape.ordinal();
                    Figures f = run(RandomDags.plan(seed, size, shape), w, dir.resolve("bench-" + n++ + ".db"));
                    System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f |%n",
                            shape.name().toLowerCase(Locale.ROOT), w, (double) f.makespan() / f.lowerBound(),
                            f.dispatches(), ms(f.totalNs(), size), ms(f.dispatchNs(), size), ms(f.startNs(), size),
                            ms(f.finishNs(), size), ms(f.loopNs(), size), f.ofRunNs() / 1e6,
                            f.statesNs() / 1e6);
                }
            }
        }
    }

    private static double ms(long nanos, int tasks) {
        return nanos / 1e6 / tasks;
    }

    private record Running(long end, Claim claim) {
    }

    /** Runs {@code plan} to the end on a fresh store at {@code db}; every task merges. */
    static Figures run(Plan plan, int workers, Path db) {
        ManualClock clock = new ManualClock();
        try (Store store = Store.open(new StoreUrl.Sqlite(db), clock)) {
            TaskGraph graph = TaskGraph.of(plan);
            long[] byIndex = RandomDags.durations(db.getFileName().toString().hashCode(), graph);
            Map<String, Long> durations = new HashMap<>();
            for (int i = 0; i < graph.size(); i++) {
                durations.put(graph.tasks().get(i).id(), byIndex[i]);
            }
            CriticalPath actual = graph.criticalPath(t -> durations.get(t.id()));
            store.runs().create(RUN, "benchmark");
            List<Tasks.NewTask> tasks = new ArrayList<>();
            for (PlannedTask task : plan.tasks()) {
                tasks.add(new Tasks.NewTask(task.id(), task.agent(), Tier.SONNET, task.dependsOn()));
            }
            store.tasks().add(RUN, tasks);
            // what Conductor.run builds once: the ranking without estimates
            Dispatcher dispatcher = new Dispatcher(store, RUN, graph.criticalPath(), workers, "bench", TTL);
            PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> a.end() != b.end()
                    ? Long.compare(a.end(), b.end()) : a.claim().task().id().compareTo(b.claim().task().id()));
            long now = 0;
            int dispatches = 0;
            long dispatchNs = 0;
            long startNs = 0;
            long finishNs = 0;
            long loopNs = 0;
            while (true) {
                long t0 = System.nanoTime();
                store.tasks().requeueExpired(RUN);
                long t1 = System.nanoTime();
                List<Claim> claims = dispatcher.dispatch();
                long t2 = System.nanoTime();
                dispatches++;
                loopNs += t1 - t0;
                dispatchNs += t2 - t1;
                for (Claim claim : claims) {
                    long s = System.nanoTime();
                    beforeAgent(store, claim);
                    startNs += System.nanoTime() - s;
                    running.add(new Running(now + durations.get(claim.task().id()), claim));
                }
                if (running.isEmpty()) {
                    long s = System.nanoTime();
                    boolean othersHold = store.tasks().ofRun(RUN).stream().anyMatch(t -> t.state().isLeased());
                    loopNs += System.nanoTime() - s;
                    if (!othersHold) {
                        break;
                    }
                }
                long next = running.peek().end();
                clock.advance(Duration.ofSeconds(next - now));
                now = next;
                while (!running.isEmpty() && running.peek().end() == now) {
                    Claim claim = running.poll().claim();
                    long s = System.nanoTime();
                    store.tasks().transition(claim, TaskState.VALIDATING, "the agent completed it");
                    store.tasks().transition(claim, TaskState.MERGED, "merged into main");
                    finishNs += System.nanoTime() - s;
                }
            }
            long merged = store.tasks().ofRun(RUN).stream().filter(t -> t.state() == TaskState.MERGED).count();
            if (merged != graph.size()) {
                throw new IllegalStateException("the run stopped with " + (graph.size() - merged) + " tasks not merged");
            }
            long[] records = new long[READS];
            long[] states = new long[READS];
            for (int i = 0; i < READS; i++) {
                long s = System.nanoTime();
                store.tasks().ofRun(RUN);
                long m = System.nanoTime();
                store.tasks().states(RUN);
                states[i] = System.nanoTime() - m;
                records[i] = m - s;
            }
            Arrays.sort(records);
            Arrays.sort(states);
            return new Figures(now, actual.lowerBound(workers), dispatches, dispatchNs, startNs, finishNs, loopNs,
                    records[READS / 2], states[READS / 2]);
        }
    }

    /** The store reads Conductor.attemptIn makes before the agent starts: the run's creation time, any feedback. */
    private static void beforeAgent(Store store, Claim claim) {
        TaskRecord task = claim.task();
        store.runs().find(task.runId()).orElseThrow();
        store.events().ofRun(task.runId()).stream()
                .filter(e -> e.taskId().equals(task.id()) && e.kind().equals(Conductor.FEEDBACK_EVENT))
                .map(Event::detail).reduce((first, second) -> second);
    }
}
