package dev.kleiber.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tarjan's strongly connected components over nodes {@code 0..n-1}, iterative so that a plan of many
 * thousands of chained tasks cannot overflow the stack. A component of more than one node is a cycle.
 */
final class StronglyConnected {
    private final List<List<Integer>> edges;

    StronglyConnected(List<List<Integer>> edges) {
        this.edges = edges;
    }

    List<List<Integer>> components() {
        int n = edges.size();
        int[] index = new int[n];
        int[] low = new int[n];
        boolean[] onStack = new boolean[n];
        Arrays.fill(index, -1);
        int[] stack = new int[n];
        int stackSize = 0;
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int counter = 0;
        List<List<Integer>> components = new ArrayList<>();
        for (int root = 0; root < n; root++) {
            if (index[root] >= 0) {
                continue;
            }
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = 0;
            index[root] = low[root] = counter++;
            stack[stackSize++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int node = callNode[depth];
                List<Integer> out = edges.get(node);
                if (callEdge[depth] < out.size()) {
                    int next = out.get(callEdge[depth]++);
                    if (index[next] < 0) {
                        index[next] = low[next] = counter++;
                        stack[stackSize++] = next;
                        onStack[next] = true;
                        depth++;
                        callNode[depth] = next;
                        callEdge[depth] = 0;
                    } else if (onStack[next]) {
                        low[node] = Math.min(low[node], index[next]);
                    }
                    continue;
                }
                if (low[node] == index[node]) {
                    List<Integer> component = new ArrayList<>();
                    int member;
                    do {
                        member = stack[--stackSize];
                        onStack[member] = false;
                        component.add(member);
                    } while (member != node);
                    components.add(component);
                }
                depth--;
                if (depth >= 0) {
                    int caller = callNode[depth];
                    low[caller] = Math.min(low[caller], low[node]);
                }
            }
        }
        return components;
    }
}
