package dev.kleiber.plan;

import dev.kleiber.protocol.Priority;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;

/** Random plans with acyclic dependencies, the same for the same seed: for properties and the benchmark. */
public final class RandomDags {
    /**
     * DAG families. Each draws its depth parameter per DAG, so that over many seeds the critical path ranges
     * from far below total work / workers to far above it — the hard cases lie where the two are close.
     */
    public enum Shape {
        /** Each task depends on up to three of the {@code window} tasks before it (window 2..200). */
        WINDOW,
        /** Tasks in layers (5..250); each depends on a task of the layer before and up to two of any earlier. */
        LAYERED,
        /** Chains (2..32) side by side, a fifth of the tasks also linked to a random earlier task. */
        CHAINS
    }

    private RandomDags() {
    }

    public static Plan plan(long seed, int size, Shape shape) {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Integer>> deps = new ArrayList<>();
        int layers = Math.max(1, Math.min(size, 5 + random.nextInt(246)));
        int window = 2 + random.nextInt(199);
        int chains = 2 + random.nextInt(31);
        for (int i = 0; i < size; i++) {
            List<Integer> mine = new ArrayList<>();
            switch (shape) {
                case WINDOW -> {
                    int k = i == 0 ? 0 : random.nextInt(Math.min(i, 3) + 1);
                    for (int j = 0; j < k; j++) {
                        mine.add(i - 1 - random.nextInt(Math.min(i, window)));
                    }
                }
                case LAYERED -> {
                    int layer = (int) ((long) i * layers / size);
                    int layerStart = (int) Math.ceil((double) layer * size / layers);
                    if (layerStart > 0) {
                        // One dependency in the layer just before makes the depth the number of layers.
                        int previousStart = (int) Math.ceil((double) (layer - 1) * size / layers);
                        mine.add(previousStart + random.nextInt(layerStart - previousStart));
                        int more = random.nextInt(3);
                        for (int j = 0; j < more; j++) {
                            mine.add(random.nextInt(layerStart));
                        }
                    }
                }
                case CHAINS -> {
                    if (i >= chains) {
                        mine.add(i - chains);
                    }
                    if (i > 0 && random.nextInt(5) == 0) {
                        mine.add(random.nextInt(i));
                    }
                }
            }
            deps.add(mine.stream().distinct().toList());
        }
        // The plan lists tasks in a shuffled order: a plan need not name dependencies first.
        List<Integer> listing = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            listing.add(i);
        }
        Collections.shuffle(listing, new Random(seed));
        Priority[] priorities = Priority.values();
        List<PlannedTask> tasks = new ArrayList<>();
        for (int i : listing) {
            tasks.add(new PlannedTask(id(i), "Task " + i, "engineer-backend", "Do task " + i + ".",
                    List.of("It is done"), Optional.empty(), Optional.empty(),
                    deps.get(i).stream().map(RandomDags::id).toList(),
                    priorities[random.nextInt(priorities.length)], List.of(), Optional.empty()));
        }
        return new Plan(tasks);
    }

    /** Durations of simulated agents: mostly short, a few long (log-normal, median about 10, at least 1). */
    public static long[] durations(long seed, TaskGraph graph) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        long[] durations = new long[graph.size()];
        for (int i = 0; i < durations.length; i++) {
            double gaussian = gaussian(random);
            durations[i] = Math.max(1, Math.round(10 * Math.exp(0.8 * gaussian)));
        }
        return durations;
    }

    /** An estimate off by a log-normal factor (σ = 0.5): what a planner's guess is worth. */
    static long[] noisy(long seed, long[] durations) {
        SplittableRandom random = new SplittableRandom(seed * 31 + 7);
        long[] estimates = new long[durations.length];
        for (int i = 0; i < durations.length; i++) {
            estimates[i] = Math.max(1, Math.round(durations[i] * Math.exp(0.5 * gaussian(random))));
        }
        return estimates;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static String id(int i) {
        return String.format("t-%04d", i);
    }
}
