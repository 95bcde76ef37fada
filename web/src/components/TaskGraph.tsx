import type { RunTask } from '../api/types';
import { STATE_CLASSES, stateLabel, usd } from '../lib/format';
import { layout } from '../lib/graphLayout';
import { Link, taskPath } from '../lib/router';

const W = 208;
const H = 112;
const GAP_X = 48;
const GAP_Y = 16;

/**
 * The run's task graph: a column per dependency depth, edges from each dependency to its dependent. Nodes are
 * links (reachable by Tab) whose visible text is their whole name: id, review badge, state, agent, tier, attempt
 * and cost; the edges are a decorative SVG layer behind them.
 */
export function TaskGraph({ run, tasks }: { run: string; tasks: RunTask[] }) {
  const { nodes, edges, columns, rows } = layout(tasks);
  const width = Math.max(1, columns) * (W + GAP_X) - GAP_X;
  const height = Math.max(1, rows) * (H + GAP_Y) - GAP_Y;
  const at = new Map(nodes.map((n) => [n.task.id, n]));
  return (
    <div className="overflow-x-auto pb-2" role="region" aria-label="Task graph" tabIndex={0}>
      <div className="relative" style={{ width, height }}>
        <svg className="absolute inset-0 text-slate-400 dark:text-slate-500" width={width} height={height} aria-hidden="true">
          {edges.map((edge) => {
            const from = at.get(edge.from);
            const to = at.get(edge.to);
            if (!from || !to) return null;
            const x1 = from.column * (W + GAP_X) + W;
            const y1 = from.row * (H + GAP_Y) + H / 2;
            const x2 = to.column * (W + GAP_X);
            const y2 = to.row * (H + GAP_Y) + H / 2;
            const mid = (x1 + x2) / 2;
            return (
              <path
                key={`${edge.from}->${edge.to}`}
                data-edge={`${edge.from}->${edge.to}`}
                d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                fill="none"
                stroke="currentColor"
                strokeWidth={2}
              />
            );
          })}
        </svg>
        <ul>
          {nodes.map(({ task, column, row }) => (
            <li
              key={task.id}
              className="absolute"
              style={{ left: column * (W + GAP_X), top: row * (H + GAP_Y), width: W, height: H }}
            >
              <Link
                href={taskPath(run, task.id)}
                data-task={task.id}
                data-state={task.state}
                className={`flex h-full flex-col justify-between rounded-lg border-2 p-2 text-sm shadow-sm hover:shadow-md focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 ${STATE_CLASSES[task.state] ?? STATE_CLASSES.planned}`}
              >
                <span className="flex items-start justify-between gap-1">
                  <span className="truncate font-semibold" title={task.title ?? task.id}>
                    {task.id}
                  </span>
                  {task.forcedReview ? (
                    <span className="shrink-0 rounded bg-amber-700 px-1 text-xs font-semibold text-white" title={(task.reasons ?? []).map((r) => r.rule).join('; ')}>
                      review<span className="sr-only"> forced</span>
                    </span>
                  ) : null}
                </span>
                <span className="text-xs font-medium uppercase tracking-wide">{stateLabel(task.state)}</span>
                <span className="flex flex-wrap gap-x-2 text-xs">
                  <span>{task.agent}</span>
                  <span>{task.tier ?? task.model}</span>
                  <span>
                    <span className="sr-only">attempt </span>#{task.attempt}
                  </span>
                  <span>{usd(task.costUsd)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
