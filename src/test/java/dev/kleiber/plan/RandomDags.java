package dev.kleiber.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;

/** Random plans with acyclic dependencies, the same for the same seed: for properties and the benchmark. */
final class RandomDags {
    enum Shape {
        /** Each task depends on up to three earlier tasks anywhere before it. */
        SPARSE,
        /** Tasks in layers; each depends on one to three tasks of the layers before it. */
        LAYERED,
        /** A few long chains with some links between them: a long critical path. */
        CHAINS
    }

    private RandomDags() {
    }

    static Plan plan(long seed, int size, Shape shape) {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Integer>> deps = new ArrayList<>();
        int layers = Math.max(1, (int) Math.round(Math.sqrt(size) / 2));
        int chains = 1 + random.nextInt(Math.max(1, Math.min(8, size)));
        for (int i = 0; i < size; i++) {
            List<Integer> mine = new ArrayList<>();
            switch (shape) {
                case SPARSE -> {
                    int k = i == 0 ? 0 : random.nextInt(Math.min(i, 3) + 1);
                    for (int j = 0; j < k; j++) {
                        mine.add(random.nextInt(i));
                    }
                }
                case LAYERED -> {
                    int layer = (int) ((long) i * layers / size);
                    int layerStart = (int) Math.ceil((double) layer * size / layers);
                    if (layer > 0) {
                        int k = 1 + random.nextInt(3);
                        for (int j = 0; j < k; j++) {
                            mine.add(random.nextInt(layerStart));
                        }
                    }
                }
                case CHAINS -> {
                    if (i >= chains) {
                        mine.add(i - chains);
                        if (random.nextInt(5) == 0) {
                            mine.add(random.nextInt(i));
                        }
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
    static long[] durations(long seed, TaskGraph graph) {
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
