import type { RunBudget } from '../api/types';
import { usd } from '../lib/format';

/** Today's spend against the daily budget, this run's share marked, and the run's cap when it has one. */
export function SpendBar({ budget }: { budget: RunBudget }) {
  const limit = Math.max(budget.limitUsd, 0.0001);
  const pct = (value: number) => `${Math.min(100, Math.max(0, (value / limit) * 100)).toFixed(1)}%`;
  const other = Math.max(0, budget.spentUsd - budget.runCostUsd);
  return (
    <section aria-labelledby="spend-heading" className="space-y-1">
      <h2 id="spend-heading" className="text-sm font-semibold">
        Spend today ({budget.day})
        {budget.paused ? <span className="ml-2 rounded bg-red-700 px-1.5 text-xs text-white">PAUSED</span> : null}
      </h2>
      <div
        role="meter"
        aria-label="Spent of the daily budget"
        aria-valuemin={0}
        aria-valuemax={budget.limitUsd}
        aria-valuenow={budget.spentUsd}
        aria-valuetext={`${usd(budget.spentUsd)} of ${usd(budget.limitUsd)}`}
        className="flex h-4 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800"
      >
        <div className="bg-slate-500" style={{ width: pct(other) }} title={`other runs ${usd(other)}`} />
        <div className="bg-blue-600" style={{ width: pct(budget.runCostUsd) }} title={`this run ${usd(budget.runCostUsd)}`} />
        <div className="bg-blue-300 dark:bg-blue-800" style={{ width: pct(budget.reservedUsd) }} title={`reserved ${usd(budget.reservedUsd)}`} />
      </div>
      <p className="text-xs text-slate-700 dark:text-slate-300">
        this run {usd(budget.runCostUsd)}
        {budget.runCapUsd ? ` of its cap ${usd(budget.runCapUsd)}` : ''} · spent {usd(budget.spentUsd)} · reserved{' '}
        {usd(budget.reservedUsd)} · remaining {usd(budget.remainingUsd)} of {usd(budget.limitUsd)}
      </p>
    </section>
  );
}
