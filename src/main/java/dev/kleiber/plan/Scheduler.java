package dev.kleiber.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Decides which tasks start, as workers free up: a pure state machine, no threads and no clock, so the
 * conductor drives it and tests and simulations replay it exactly. Ready tasks start in
 * {@link CriticalPath} order, at most {@code workers} at a time. A failed or blocked task makes every task
 * that depends on it unreachable; those are reported so that the conductor can say what waits for what.
 * Not thread-safe: one owner calls it.
 */
public final class Scheduler {
    /** Where a task stands. */
    public enum State { WAITING, READY, RUNNING, DONE, FAILED, UNREACHABLE }

    private final TaskGraph graph;
    private final CriticalPath ranking;
    private final int workers;
    private final State[] states;
    private final int[] unfinishedDependencies;
    private final ReadyQueue ready;
    private int running;
    private int settled;

    /** A fresh run: nothing done yet. */
    public Scheduler(CriticalPath ranking, int workers) {
        this(ranking, workers, Set.of());
    }

    /**
     * A resumed run: {@code done} were merged before (they never run again). Tasks that were running when
     * the run stopped are simply not done and start again. {@code done} must include every dependency of
     * each of its tasks.
     */
    public Scheduler(CriticalPath ranking, int workers, Set<String> done) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1; found " + workers);
        }
        this.graph = ranking.graph();
        this.ranking = ranking;
        this.workers = workers;
        int n = graph.size();
        states = new State[n];
        Arrays.fill(states, State.WAITING);
        unfinishedDependencies = new int[n];
        ready = new ReadyQueue(n);
        for (String id : done) {
            int task = graph.indexOf(id);
            for (int dependency : graph.dependenciesOf(task)) {
                if (!done.contains(graph.id(dependency))) {
                    throw new IllegalArgumentException(id + " is done but its dependency " + graph.id(dependency)
                            + " is not");
                }
            }
            states[task] = State.DONE;
            settled++;
        }
        for (int task = 0; task < n; task++) {
            if (states[task] == State.DONE) {
                continue;
            }
            int unfinished = 0;
            for (int dependency : graph.dependenciesOf(task)) {
                if (states[dependency] != State.DONE) {
                    unfinished++;
                }
            }
            unfinishedDependencies[task] = unfinished;
            if (unfinished == 0) {
                makeReady(task);
            }
        }
    }

    /**
     * The tasks to start now, best first, filling the free workers; each is then running. Empty when no
     * worker is free or nothing is ready.
     */
    public List<String> next() {
        List<String> start = new ArrayList<>();
        while (running < workers && !ready.isEmpty()) {
            int task = ready.poll();
            if (states[task] != State.READY) {
                continue;
            }
            states[task] = State.RUNNING;
            running++;
            start.add(graph.id(task));
        }
        return start;
    }

    /** A running task finished (merged); its dependents whose dependencies are all done become ready. */
    public void completed(String id) {
        int task = graph.indexOf(id);
        require(task, State.RUNNING, "complete");
        states[task] = State.DONE;
        running--;
        settled++;
        for (int dependent : graph.dependentsOf(task)) {
            if (--unfinishedDependencies[dependent] == 0 && states[dependent] == State.WAITING) {
                makeReady(dependent);
            }
        }
    }

    /**
     * A task failed or was blocked — while running, or before it started (a person blocked it). Every task
     * that depends on it, directly or not, can no longer run; returns those newly unreachable, in
     * topological order.
     */
    public List<String> failed(String id) {
        int task = graph.indexOf(id);
        State state = states[task];
        if (state != State.RUNNING && state != State.READY && state != State.WAITING) {
            throw new IllegalStateException("cannot fail " + id + ": it is " + state);
        }
        if (state == State.RUNNING) {
            running--;
        }
        states[task] = State.FAILED;
        settled++;
        List<String> unreachable = new ArrayList<>();
        for (String descendant : graph.descendants(id)) {
            int d = graph.indexOf(descendant);
            if (states[d] == State.WAITING) {
                states[d] = State.UNREACHABLE;
                settled++;
                unreachable.add(descendant);
            }
        }
        return unreachable;
    }

    public State state(String id) {
        return states[graph.indexOf(id)];
    }

    /** How many tasks are running now. */
    public int running() {
        return running;
    }

    /** Whether every task is done, failed or unreachable: nothing is running or can start. */
    public boolean finished() {
        return settled == states.length;
    }

    /** The ids in {@code state}, in plan order. */
    public List<String> inState(State state) {
        List<String> ids = new ArrayList<>();
        for (int task = 0; task < states.length; task++) {
            if (states[task] == state) {
                ids.add(graph.id(task));
            }
        }
        return ids;
    }

    private void makeReady(int task) {
        states[task] = State.READY;
        ready.add(task);
    }

    private void require(int task, State expected, String action) {
        if (states[task] != expected) {
            throw new IllegalStateException("cannot " + action + " " + graph.id(task) + ": it is " + states[task]
                    + ", not " + expected);
        }
    }

    /** A binary min-heap of task numbers keyed by scheduling rank: no boxing on the hot path. */
    private final class ReadyQueue {
        private final int[] heap;
        private int size;

        ReadyQueue(int capacity) {
            heap = new int[Math.max(1, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(int task) {
            int at = size++;
            heap[at] = task;
            while (at > 0) {
                int parent = (at - 1) >>> 1;
                if (ranking.rank(heap[parent]) <= ranking.rank(heap[at])) {
                    break;
                }
                swap(parent, at);
                at = parent;
            }
        }

        int poll() {
            int top = heap[0];
            heap[0] = heap[--size];
            int at = 0;
            while (true) {
                int left = 2 * at + 1;
                if (left >= size) {
                    break;
                }
                int child = left + 1 < size && ranking.rank(heap[left + 1]) < ranking.rank(heap[left]) ? left + 1 : left;
                if (ranking.rank(heap[at]) <= ranking.rank(heap[child])) {
                    break;
                }
                swap(at, child);
                at = child;
            }
            return top;
        }

        private void swap(int a, int b) {
            int t = heap[a];
            heap[a] = heap[b];
            heap[b] = t;
        }
    }
}
