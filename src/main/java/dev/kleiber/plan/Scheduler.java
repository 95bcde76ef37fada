package dev.kleiber.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
        this(ranking, workers, Map.of());
    }

    private Scheduler(CriticalPath ranking, int workers, Map<String, State> known) {
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
        known.forEach((id, state) -> {
            if (state != State.DONE && state != State.RUNNING && state != State.FAILED) {
                throw new IllegalArgumentException("a restored task is DONE, RUNNING or FAILED; " + id + " is " + state);
            }
            states[graph.indexOf(id)] = state;
        });
        for (int task = 0; task < n; task++) {
            for (int dependency : graph.dependenciesOf(task)) {
                if (states[dependency] != State.DONE) {
                    unfinishedDependencies[task]++;
                }
            }
            if ((states[task] == State.DONE || states[task] == State.RUNNING) && unfinishedDependencies[task] > 0) {
                throw new IllegalArgumentException(graph.id(task) + " is " + states[task]
                        + " but not all of its dependencies are done: " + graph.dependencies(graph.id(task)));
            }
            switch (states[task]) {
                case DONE, FAILED -> settled++;
                case RUNNING -> running++;
                default -> { }
            }
        }
        for (int task = 0; task < n; task++) {
            if (states[task] == State.FAILED) {
                makeUnreachable(graph.id(task));
            }
        }
        for (int task = 0; task < n; task++) {
            if (states[task] == State.WAITING && unfinishedDependencies[task] == 0) {
                makeReady(task);
            }
        }
    }

    /**
     * A run picked up again — after a crash, or on a changed plan. {@code known} names the tasks already
     * DONE (they never run again), RUNNING (still held by a live worker: they count against
     * {@code workers}) and FAILED; every other task's state follows. A task whose worker died is left out:
     * it becomes ready again. A done or running task's dependencies must all be done.
     */
    public static Scheduler restore(CriticalPath ranking, int workers, Map<String, State> known) {
        return new Scheduler(ranking, workers, known);
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
        return makeUnreachable(id);
    }

    /**
     * A failed or blocked task may run again (a person answered its blocker): it waits for its
     * dependencies again, and so does every task it had made unreachable that no other failure still
     * holds back. Returns those dependents, in topological order.
     */
    public List<String> reopen(String id) {
        int task = graph.indexOf(id);
        require(task, State.FAILED, "reopen");
        if (blockedByFailure(task)) {
            states[task] = State.UNREACHABLE;
            return List.of();
        }
        states[task] = State.WAITING;
        settled--;
        if (unfinishedDependencies[task] == 0) {
            makeReady(task);
        }
        List<String> reachable = new ArrayList<>();
        for (String descendant : graph.descendants(id)) {
            int d = graph.indexOf(descendant);
            if (states[d] == State.UNREACHABLE && !blockedByFailure(d)) {
                states[d] = State.WAITING;
                settled--;
                reachable.add(descendant);
                if (unfinishedDependencies[d] == 0) {
                    makeReady(d);
                }
            }
        }
        return reachable;
    }

    private boolean blockedByFailure(int task) {
        for (int dependency : graph.dependenciesOf(task)) {
            if (states[dependency] == State.FAILED || states[dependency] == State.UNREACHABLE) {
                return true;
            }
        }
        return false;
    }

    private List<String> makeUnreachable(String failed) {
        List<String> unreachable = new ArrayList<>();
        for (String descendant : graph.descendants(failed)) {
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
        private int[] heap;
        private int size;

        ReadyQueue(int capacity) {
            heap = new int[Math.max(1, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(int task) {
            if (size == heap.length) {
                // A reopened task can be queued again while its stale entry is still in the heap.
                heap = Arrays.copyOf(heap, 2 * heap.length);
            }
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
