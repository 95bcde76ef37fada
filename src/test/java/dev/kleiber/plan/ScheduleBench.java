package dev.kleiber.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The scheduling benchmark behind {@code bench/schedule.sh}: simulated agents of random (log-normal)
 * durations on random DAGs of 1,000 tasks. Prints, per DAG shape, worker count and ranking, the makespan
 * over the lower bound max(critical path, total work / workers); then the scheduler's own cost per task,
 * measured in-process on a warm JVM by replaying recorded scheduler call sequences.
 */
public final class ScheduleBench {
    private static final int[] WORKERS = {2, 4, 8, 16};

    private enum Ranking {
        /** Critical paths from the true durations: the best the scheduler can know. */
        EXACT,
        /** Critical paths from estimates off by a log-normal factor (sigma 0.5). */
        ESTIMATED,
        /** Every task one unit: what Kleiber knows when the plan has no estimates. */
        UNIT,
        /** No path information: priority, then id (plan generation order) — the baseline. */
        FIFO
    }

    private ScheduleBench() {
    }

    public static void main(String[] args) {
        int dags = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int replays = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        System.out.printf(Locale.ROOT, "# Scheduling benchmark: %d random DAGs of %d tasks per shape, Java %s%n%n",
                dags, size, Runtime.version());
        quality(dags, size);
        overhead(size, replays);
    }

    private static void quality(int dags, int size) {
        System.out.println("## Makespan / lower bound (lower bound = max(critical path, ceil(total work / workers)))");
        System.out.println();
        System.out.println("| shape | workers | ranking | mean | p95 | max | Graham bound held | mean CP / (work/workers) |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|");
        for (RandomDags.Shape shape : RandomDags.Shape.values()) {
            for (int workers : WORKERS) {
                for (Ranking ranking : Ranking.values()) {
                    double[] ratios = new double[dags];
                    int graham = 0;
                    double balance = 0;
                    for (int d = 0; d < dags; d++) {
                        long seed = 1_000_003L * d + shape.ordinal();
                        TaskGraph graph = TaskGraph.of(RandomDags.plan(seed, size, shape));
                        long[] durations = RandomDags.durations(seed, graph);
                        CriticalPath actual = graph.criticalPath(t -> durations[graph.indexOf(t.id())]);
                        CriticalPath rank = switch (ranking) {
                            case EXACT -> actual;
                            case ESTIMATED -> {
                                long[] estimates = RandomDags.noisy(seed, durations);
                                yield graph.criticalPath(t -> estimates[graph.indexOf(t.id())]);
                            }
                            case UNIT -> graph.criticalPath();
                            case FIFO -> graph.criticalPath(t -> 0);
                        };
                        long makespan = ScheduleSimulation.run(rank, durations, workers).makespan();
                        ratios[d] = (double) makespan / actual.lowerBound(workers);
                        balance += (double) actual.length() * workers / actual.totalWork() / dags;
                        if (workers * makespan <= actual.totalWork() + (workers - 1L) * actual.length()) {
                            graham++;
                        }
                    }
                    Arrays.sort(ratios);
                    System.out.printf(Locale.ROOT, "| %s | %d | %s | %.3f | %.3f | %.3f | %d/%d | %.2f |%n",
                            shape.name().toLowerCase(Locale.ROOT), workers, ranking.name().toLowerCase(Locale.ROOT),
                            Arrays.stream(ratios).average().orElse(0), ratios[(int) Math.ceil(0.95 * dags) - 1],
                            ratios[dags - 1], graham, dags, balance);
                }
            }
        }
        System.out.println();
    }

    /**
     * The scheduler's cost per task. Building = TaskGraph.of + criticalPath (once per plan). Scheduling =
     * replaying a recorded run's calls (next() and completed(id)) against a fresh Scheduler: the decisions
     * alone, without the simulation's event queue. Each figure is per task of the plan.
     */
    private static void overhead(int size, int replays) {
        int variants = 20;
        List<Plan> plans = new ArrayList<>();
        List<int[]> calls = new ArrayList<>();
        List<TaskGraph> graphs = new ArrayList<>();
        List<CriticalPath> paths = new ArrayList<>();
        for (int v = 0; v < variants; v++) {
            RandomDags.Shape shape = RandomDags.Shape.values()[v % RandomDags.Shape.values().length];
            Plan plan = RandomDags.plan(77 + v, size, shape);
            TaskGraph graph = TaskGraph.of(plan);
            long[] durations = RandomDags.durations(77 + v, graph);
            CriticalPath path = graph.criticalPath();
            plans.add(plan);
            graphs.add(graph);
            paths.add(path);
            calls.add(ScheduleSimulation.run(path, durations, 8).calls());
        }
        long sink = 0;
        for (int i = 0; i < replays / 2; i++) {
            sink += build(plans.get(i % variants)) + replay(paths.get(i % variants), calls.get(i % variants));
        }
        long[] buildNs = new long[replays];
        long[] scheduleNs = new long[replays];
        long[] simulateNs = new long[replays];
        for (int i = 0; i < replays; i++) {
            int v = i % variants;
            long t0 = System.nanoTime();
            sink += build(plans.get(v));
            long t1 = System.nanoTime();
            sink += replay(paths.get(v), calls.get(v));
            long t2 = System.nanoTime();
            buildNs[i] = t1 - t0;
            scheduleNs[i] = t2 - t1;
        }
        for (int i = 0; i < replays / 4; i++) {
            int v = i % variants;
            long[] durations = RandomDags.durations(77 + v, graphs.get(v));
            long t0 = System.nanoTime();
            sink += ScheduleSimulation.run(paths.get(v), durations, 8).makespan();
            simulateNs[i] = System.nanoTime() - t0;
        }
        simulateNs = Arrays.copyOf(simulateNs, replays / 4);
        System.out.printf(Locale.ROOT, "## Orchestration overhead per task (%d-task plans, 8 workers, %d measured runs "
                + "after %d warm-up runs)%n%n", size, replays, replays / 2);
        System.out.println("| step | median ns/task | p99 ns/task |");
        System.out.println("|---|---:|---:|");
        row("build graph + critical path (once per plan)", buildNs, size);
        row("scheduling decisions: next() + completed() (replayed)", scheduleNs, size);
        row("whole simulated run incl. event queue", simulateNs, size);
        System.out.printf(Locale.ROOT, "%n(checksum %d)%n", sink);
    }

    private static long build(Plan plan) {
        TaskGraph graph = TaskGraph.of(plan);
        return graph.criticalPath().length();
    }

    private static long replay(CriticalPath path, int[] calls) {
        TaskGraph graph = path.graph();
        Scheduler scheduler = new Scheduler(path, 8);
        long started = 0;
        for (int call : calls) {
            if (call == ScheduleSimulation.NEXT) {
                started += scheduler.next().size();
            } else {
                scheduler.completed(graph.id(call));
            }
        }
        if (!scheduler.finished()) {
            throw new IllegalStateException("the replay did not finish the plan");
        }
        return started;
    }

    private static void row(String step, long[] nanos, int size) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2] / (double) size;
        double p99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1] / (double) size;
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f |%n", step, median, p99);
    }
}
