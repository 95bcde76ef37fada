import type { ApiClient } from '../api/client';
import { TASK_STATES, type RunSummary } from '../api/types';
import { age, stateLabel, usd } from '../lib/format';
import { Link, runPath } from '../lib/router';
import { useLoad } from '../lib/useLoad';

/** How many of a run's tasks wait for a person: a review to decide or a block to answer. */
export function waitingCount(run: RunSummary): number {
  return (run.tasks?.awaiting_review ?? 0) + (run.tasks?.blocked ?? 0);
}

/** Runs that need a person come first, then the newest. */
export function sortRuns(runs: RunSummary[]): RunSummary[] {
  const time = (r: RunSummary) => (r.createdAt ? Date.parse(r.createdAt) : 0);
  return [...runs].sort((a, b) => {
    const waiting = Number(waitingCount(b) > 0) - Number(waitingCount(a) > 0);
    return waiting !== 0 ? waiting : time(b) - time(a);
  });
}

export function RunsPage({ api }: { api: ApiClient }) {
  const { data, error } = useLoad('runs', () => api.runs());
  return (
    <>
      <h1 className="text-xl font-bold">Runs</h1>
      {error ? <p role="alert">{error}</p> : null}
      {data === null && !error ? <p>Loading…</p> : null}
      {data && data.length === 0 ? <p>No runs yet. Start one with `kleiber run "…"`.</p> : null}
      <ul className="space-y-2">
        {sortRuns(data ?? []).map((run) => (
          <li key={run.id} className="rounded-lg border border-slate-300 p-3 dark:border-slate-700">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <Link href={runPath(run.id)} className="font-mono font-semibold text-blue-800 underline dark:text-blue-300">
                {run.id}
              </Link>
              <span className="text-sm">
                {run.state}
                {run.costUsd !== undefined ? ` · ${usd(run.costUsd)}` : ''} · {age(run.createdAt)} ago
              </span>
            </div>
            {run.request ? <p className="mt-1 break-words text-sm">{run.request}</p> : null}
            <p className="mt-1 flex flex-wrap gap-2 text-xs">
              {waitingCount(run) > 0 ? (
                <span className="rounded bg-amber-700 px-1.5 font-semibold text-white">{waitingCount(run)} wait for a person</span>
              ) : null}
              {TASK_STATES.filter((s) => (run.tasks?.[s] ?? 0) > 0).map((s) => (
                <span key={s}>
                  {run.tasks?.[s]} {stateLabel(s)}
                </span>
              ))}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
