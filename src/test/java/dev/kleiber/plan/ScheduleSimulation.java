package dev.kleiber.plan;

import java.util.List;
import java.util.PriorityQueue;

/**
 * A deterministic discrete-event simulation: simulated agents take {@code durations} (by task number) to
 * finish, the {@link Scheduler} decides what starts whenever one finishes. Records every start and end.
 */
final class ScheduleSimulation {
    /**
     * {@code calls} is the scheduler's call sequence: {@link #NEXT} for {@code next()}, a task number for
     * {@code completed(task)} — enough to replay the scheduler alone, without the simulation around it.
     */
    record Outcome(long makespan, long[] start, long[] end, int[] completionOrder, int[] calls) {
    }

    static final int NEXT = -1;

    private ScheduleSimulation() {
    }

    static Outcome run(CriticalPath ranking, long[] durations, int workers) {
        TaskGraph graph = ranking.graph();
        int n = graph.size();
        Scheduler scheduler = new Scheduler(ranking, workers);
        long[] start = new long[n];
        long[] end = new long[n];
        java.util.Arrays.fill(start, -1);
        int[] completionOrder = new int[n];
        int completed = 0;
        int[] calls = new int[2 * n + 1];
        int callCount = 0;
        // Events: (finish time, task number); equal times finish in task order, so runs are reproducible.
        PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        long now = 0;
        while (true) {
            List<String> starting = scheduler.next();
            if (callCount == calls.length) {
                calls = java.util.Arrays.copyOf(calls, 2 * calls.length);
            }
            calls[callCount++] = NEXT;
            for (String id : starting) {
                int task = graph.indexOf(id);
                start[task] = now;
                end[task] = now + durations[task];
                events.add(new long[] {end[task], task});
            }
            if (events.isEmpty()) {
                break;
            }
            now = events.peek()[0];
            while (!events.isEmpty() && events.peek()[0] == now) {
                int task = (int) events.poll()[1];
                scheduler.completed(graph.id(task));
                completionOrder[completed++] = task;
                if (callCount == calls.length) {
                    calls = java.util.Arrays.copyOf(calls, 2 * calls.length);
                }
                calls[callCount++] = task;
            }
        }
        if (!scheduler.finished()) {
            throw new AssertionError("the simulation stopped with tasks left: " + scheduler.inState(Scheduler.State.WAITING));
        }
        return new Outcome(now, start, end, completionOrder, java.util.Arrays.copyOf(calls, callCount));
    }
}
