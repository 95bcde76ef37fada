package dev.kleiber.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Each task's remaining path — its own duration plus the longest chain of dependents after it — for one
 * set of duration estimates, and the scheduling order that follows: longest remaining path first (the
 * critical path cannot be shortened, so it must start first), then priority p0 before p1 before p2, then id.
 */
public final class CriticalPath {
    private final TaskGraph graph;
    private final long[] durations;
    private final long[] remaining;
    private final int[] order;
    private final int[] rank;

    CriticalPath(TaskGraph graph, long[] durations) {
        this.graph = graph;
        this.durations = durations.clone();
        int n = graph.size();
        remaining = new long[n];
        int[] topological = graph.topologicalIndices();
        for (int k = n - 1; k >= 0; k--) {
            int task = topological[k];
            long after = 0;
            for (int dependent : graph.dependentsOf(task)) {
                after = Math.max(after, remaining[dependent]);
            }
            remaining[task] = durations[task] + after;
        }
        Comparator<Integer> byPriority = Comparator.<Integer>comparingLong(i -> -remaining[i])
                .thenComparing(i -> graph.tasks().get(i).priority())
                .thenComparing(graph::id);
        order = java.util.stream.IntStream.range(0, n).boxed().sorted(byPriority).mapToInt(Integer::intValue).toArray();
        rank = new int[n];
        for (int position = 0; position < n; position++) {
            rank[order[position]] = position;
        }
    }

    public TaskGraph graph() {
        return graph;
    }

    /** The length of the longest chain of dependent tasks: no number of workers finishes sooner. */
    public long length() {
        return Arrays.stream(remaining).max().orElse(0);
    }

    /** The sum of all durations. */
    public long totalWork() {
        return Arrays.stream(durations).sum();
    }

    /** max(critical path, total work / workers rounded up): no schedule on {@code workers} finishes sooner. */
    public long lowerBound(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        long total = totalWork();
        return Math.max(length(), (total + workers - 1) / workers);
    }

    public long remaining(String id) {
        return remaining[graph.indexOf(id)];
    }

    public long duration(String id) {
        return durations[graph.indexOf(id)];
    }

    /** One longest chain, first task first; among equal chains the one the scheduling order prefers. */
    public List<String> path() {
        List<String> path = new ArrayList<>();
        int current = -1;
        for (int task : order) {
            if (graph.dependenciesOf(task).length == 0) {
                current = task;
                break;
            }
        }
        while (current >= 0) {
            path.add(graph.id(current));
            int next = -1;
            for (int dependent : graph.dependentsOf(current)) {
                if (remaining[dependent] == remaining[current] - durations[current]
                        && (next < 0 || rank[dependent] < rank[next])) {
                    next = dependent;
                }
            }
            current = next;
        }
        return path;
    }

    /** All task ids in scheduling order (the order in which the scheduler prefers them when ready). */
    public List<String> order() {
        return Arrays.stream(order).mapToObj(graph::id).toList();
    }

    /** The position of a task in scheduling order: lower starts first. */
    int rank(int task) {
        return rank[task];
    }
}
