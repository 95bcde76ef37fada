import type { RunTask } from '../api/types';

export interface PlacedNode {
  task: RunTask;
  column: number;
  row: number;
}

export interface Edge {
  from: string;
  to: string;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: Edge[];
  columns: number;
  rows: number;
}

/**
 * Layers the task graph: a task's column is one past the deepest task it depends on, so every edge points
 * right. Dependencies on tasks outside the run are ignored; a cycle (the planner refuses those) cannot hang it
 * because depth is bounded by the number of tasks.
 */
export function layout(tasks: RunTask[]): GraphLayout {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const depthOf = (id: string, guard: number): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const task = byId.get(id);
    if (!task || guard > tasks.length) return 0;
    const deps = (task.dependsOn ?? []).filter((d) => byId.has(d));
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => depthOf(dep, guard + 1)));
    depth.set(id, d);
    return d;
  };
  const rowsUsed: number[] = [];
  const nodes = tasks.map((task) => {
    const column = depthOf(task.id, 0);
    const row = rowsUsed[column] ?? 0;
    rowsUsed[column] = row + 1;
    return { task, column, row };
  });
  const edges = tasks.flatMap((task) =>
    (task.dependsOn ?? []).filter((d) => byId.has(d)).map((d) => ({ from: d, to: task.id })),
  );
  return {
    nodes,
    edges,
    columns: rowsUsed.length,
    rows: Math.max(0, ...rowsUsed),
  };
}
