import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ApiClient } from '../api/client';
import { usd } from '../lib/format';
import { navigate, costPath } from '../lib/router';
import { useLoad } from '../lib/useLoad';

interface Point {
  name: string;
  costUsd: number;
  allOpusUsd?: number;
}

/** Routed spend in blue; the all-Opus price of the same calls in orange beside it where the document has one. */
const ROUTED = '#2563eb';
const ALL_OPUS = '#ea580c';

const ALL_OPUS_NAME = 'all Opus';

/** Axis ticks of small amounts keep a third decimal, so $0.005 steps do not all read $0.01. */
function axisUsd(v: number): string {
  return v > 0 && v < 0.1 ? `$${v.toFixed(3)}` : `$${v.toFixed(2)}`;
}

/**
 * One bar chart with a table of the same figures under it, for screen readers and exact numbers. With
 * {@code compare}, each point also has the all-Opus price of the same calls as a second bar and column.
 */
function CostChart({ title, points, compare = false }: { title: string; points: Point[]; compare?: boolean }) {
  return (
    <section aria-label={title} className="space-y-1">
      <h2 className="text-lg font-semibold">{title}</h2>
      {points.length === 0 ? (
        <p className="text-sm">Nothing spent.</p>
      ) : (
        <>
          {/* The chart is a picture: the table under it is what keyboards and screen readers use, so Recharts'
              keyboard layer (a focusable element inside aria-hidden) is off. */}
          <div className="h-56 w-full text-slate-700 dark:text-slate-300" aria-hidden="true" data-chart={title}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={points} margin={{ top: 8, right: 8, bottom: 8, left: 8 }} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.3} />
                <XAxis dataKey="name" stroke="currentColor" tick={{ fontSize: 11 }} interval={compare ? 'preserveStartEnd' : 0} />
                <YAxis stroke="currentColor" tick={{ fontSize: 11 }} tickFormatter={axisUsd} width={64} />
                <Tooltip formatter={(v) => usd(Number(v))} />
                {compare ? <Legend /> : null}
                <Bar dataKey="costUsd" name="routed" fill={ROUTED} isAnimationActive={false}>
                  {points.map((p) => (
                    <Cell key={p.name} fill={p.name === ALL_OPUS_NAME ? ALL_OPUS : ROUTED} />
                  ))}
                </Bar>
                {compare ? <Bar dataKey="allOpusUsd" name="all Opus" fill={ALL_OPUS} isAnimationActive={false} /> : null}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table className="text-sm">
            <caption className="sr-only">{title}</caption>
            {compare ? (
              <thead>
                <tr>
                  <th scope="col" className="pr-3 text-left font-medium">
                    Day
                  </th>
                  <th scope="col" className="pr-3 text-right font-medium">
                    Routed
                  </th>
                  <th scope="col" className="text-right font-medium">
                    All Opus
                  </th>
                </tr>
              </thead>
            ) : null}
            <tbody>
              {points.map((p) => (
                <tr key={p.name}>
                  <th scope="row" className="break-all pr-3 text-left font-normal">
                    {p.name}
                  </th>
                  <td className="pr-3 text-right">{usd(p.costUsd)}</td>
                  {compare ? <td className="text-right">{usd(p.allOpusUsd)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/**
 * Spend by day, model, agent and task, and what the same calls would have cost on Opus alone: of a day (today unless
 * one is picked), or of one run (`run`, all its days unless a day is picked). The run is in the address (/cost/RUN),
 * so a run's page links here and the back button works.
 */
export function CostPage({ api, run = '' }: { api: ApiClient; run?: string }) {
  const [day, setDay] = useState('');
  const { data, error } = useLoad(`cost:${day}:${run}`, () => api.cost({ ...(day ? { day } : {}), ...(run ? { run } : {}) }));
  const runs = useLoad('cost-runs', () => api.runs());
  const runIds = (runs.data ?? []).map((r) => r.id);
  return (
    <>
      <h1 className="text-xl font-bold">Cost{run ? ` of run ${run}` : ''}</h1>
      <form className="flex flex-wrap items-center gap-2" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="cost-run" className="text-sm font-medium">
          Run
        </label>
        <select
          id="cost-run"
          value={run}
          onChange={(e) => navigate(costPath(e.target.value))}
          className="max-w-full rounded border border-slate-500 bg-white p-1 font-mono text-slate-900 dark:bg-slate-900 dark:text-slate-100"
        >
          <option value="">All runs</option>
          {(runIds.includes(run) || !run ? runIds : [run, ...runIds]).map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <label htmlFor="cost-day" className="text-sm font-medium">
          Day
        </label>
        <input
          id="cost-day"
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          className="rounded border border-slate-500 bg-white p-1 text-slate-900 dark:bg-slate-900 dark:text-slate-100"
        />
        {day ? (
          <button type="button" onClick={() => setDay('')} className="rounded border border-slate-500 px-2 py-1 text-sm">
            {run ? 'Every day' : 'Today'}
          </button>
        ) : null}
      </form>
      {error ? <p role="alert">{error}</p> : null}
      {data ? (
        <>
          <p>
            {usd(data.totalUsd)} in {data.calls} calls
            {data.day ? ` on ${data.day}` : ''}
            {run ? ` by run ${run}` : ''}. The same calls on Opus alone: {usd(data.allOpusUsd)}
            {data.allOpusUsd > 0 ? ` (saved ${Math.round((1 - data.totalUsd / data.allOpusUsd) * 100)}%)` : ''}.
          </p>
          <CostChart
            title="Routed vs all Opus"
            points={[
              { name: 'routed', costUsd: data.totalUsd },
              { name: ALL_OPUS_NAME, costUsd: data.allOpusUsd },
            ]}
          />
          {data.byDay ? (
            <CostChart
              title="By day, routed vs all Opus"
              compare
              points={data.byDay.map((d) => ({ name: d.day, costUsd: d.costUsd, allOpusUsd: d.allOpusUsd }))}
            />
          ) : null}
          <CostChart title="By model" points={data.byModel.map((m) => ({ name: m.model, costUsd: m.costUsd }))} />
          <CostChart title="By agent" points={data.byAgent.map((a) => ({ name: a.agent, costUsd: a.costUsd }))} />
          <CostChart title="By task" points={data.byTask.map((t) => ({ name: t.task, costUsd: t.costUsd }))} />
        </>
      ) : null}
    </>
  );
}
