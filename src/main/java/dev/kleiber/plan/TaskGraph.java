package dev.kleiber.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The dependency graph of a plan: immutable, acyclic, with each task's dependencies and dependents.
 * Tasks are also numbered {@code 0..size-1} in plan order, which the scheduler uses internally.
 */
public final class TaskGraph {
    private final List<PlannedTask> tasks;
    private final Map<String, Integer> index;
    private final int[][] dependencies;
    private final int[][] dependents;
    private final int[] topological;

    private TaskGraph(List<PlannedTask> tasks) {
        this.tasks = List.copyOf(tasks);
        int n = tasks.size();
        index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (index.putIfAbsent(tasks.get(i).id(), i) != null) {
                throw new IllegalArgumentException("duplicate task id " + tasks.get(i).id());
            }
        }
        dependencies = new int[n][];
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            PlannedTask task = tasks.get(i);
            dependencies[i] = task.dependsOn().stream().mapToInt(dep -> {
                Integer d = index.get(dep);
                if (d == null) {
                    throw new IllegalArgumentException(task.id() + " depends on unknown task " + dep);
                }
                return d;
            }).distinct().toArray();
            for (int d : dependencies[i]) {
                out.get(d).add(i);
            }
        }
        dependents = out.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        topological = sortTopologically();
    }

    /** The graph of a plan; a plan from the parsers is always valid, anything else fails fast. */
    public static TaskGraph of(Plan plan) {
        return new TaskGraph(plan.tasks());
    }

    /** Kahn's algorithm, taking among the tasks whose dependencies are placed the one earliest in the plan. */
    private int[] sortTopologically() {
        int n = tasks.size();
        int[] waiting = new int[n];
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            waiting[i] = dependencies[i].length;
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        int[] order = new int[n];
        int placed = 0;
        while (!ready.isEmpty()) {
            int task = ready.poll();
            order[placed++] = task;
            for (int dependent : dependents[task]) {
                if (--waiting[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (placed != n) {
            throw new IllegalArgumentException("the plan's dependencies form a cycle");
        }
        return order;
    }

    public int size() {
        return tasks.size();
    }

    /** The tasks in plan order. */
    public List<PlannedTask> tasks() {
        return tasks;
    }

    public Optional<PlannedTask> task(String id) {
        return Optional.ofNullable(index.get(id)).map(tasks::get);
    }

    public List<String> dependencies(String id) {
        return ids(dependencies[indexOf(id)]);
    }

    public List<String> dependents(String id) {
        return ids(dependents[indexOf(id)]);
    }

    /** Every task that depends on {@code id} directly or through others, in topological order. */
    public List<String> descendants(String id) {
        BitSet reached = new BitSet(size());
        reach(indexOf(id), reached);
        return Arrays.stream(topological).filter(reached::get).mapToObj(i -> tasks.get(i).id()).toList();
    }

    private void reach(int from, BitSet reached) {
        int[] stack = new int[size()];
        int top = 0;
        stack[top++] = from;
        while (top > 0) {
            for (int next : dependents[stack[--top]]) {
                if (!reached.get(next)) {
                    reached.set(next);
                    stack[top++] = next;
                }
            }
        }
    }

    /** Every task after all of its dependencies; among free choices, plan order. */
    public List<String> topologicalOrder() {
        return ids(topological);
    }

    /** The tasks not in {@code done} whose dependencies all are, in plan order. */
    public List<String> ready(Set<String> done) {
        List<String> ready = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            String id = tasks.get(i).id();
            if (!done.contains(id) && Arrays.stream(dependencies[i]).allMatch(d -> done.contains(tasks.get(d).id()))) {
                ready.add(id);
            }
        }
        return ready;
    }

    /** Critical paths when every task takes one unit of time: the plan has no estimates. */
    public CriticalPath criticalPath() {
        return criticalPath(task -> 1);
    }

    /** Critical paths for the given per-task duration estimates (any unit, not negative). */
    public CriticalPath criticalPath(ToLongFunction<PlannedTask> estimate) {
        long[] durations = new long[size()];
        for (int i = 0; i < size(); i++) {
            durations[i] = estimate.applyAsLong(tasks.get(i));
            if (durations[i] < 0) {
                throw new IllegalArgumentException("negative estimate for " + tasks.get(i).id());
            }
        }
        return new CriticalPath(this, durations);
    }

    int indexOf(String id) {
        Integer i = index.get(id);
        if (i == null) {
            throw new IllegalArgumentException("no task " + id + " in this plan");
        }
        return i;
    }

    String id(int task) {
        return tasks.get(task).id();
    }

    int[] dependenciesOf(int task) {
        return dependencies[task];
    }

    int[] dependentsOf(int task) {
        return dependents[task];
    }

    int[] topologicalIndices() {
        return topological;
    }

    private List<String> ids(int[] indices) {
        return Arrays.stream(indices).mapToObj(this::id).toList();
    }
}
