import { useState, type FormEvent } from 'react';
import type { ApiClient, BudgetTarget } from '../api/client';
import { canApprove, type BudgetPause, type Session } from '../api/types';
import { usd } from '../lib/format';
import { useLoad } from '../lib/useLoad';

/** The run or task whose own cap a pause is about; the daily limit has the forms below the list instead. */
function capTarget(pause: BudgetPause): BudgetTarget | null {
  if (pause.limit === 'per-run' && pause.run) return { run: pause.run };
  if (pause.limit === 'per-task' && pause.run && pause.task) return { run: pause.run, task: pause.task };
  return null;
}

/** The daily budget: limit, spent, reserved, remaining, pauses and approvals; raise or approve extra spend. */
export function BudgetPage({ api, session }: { api: ApiClient; session: Session }) {
  const { data, error, reload } = useLoad('budget', () => api.budget());
  return (
    <>
      <h1 className="text-xl font-bold">Budget</h1>
      {error ? <p role="alert">{error}</p> : null}
      {data ? (
        <>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
            {[
              ['Limit', usd(data.limitUsd)],
              ['Spent', usd(data.spentUsd)],
              ['Reserved', usd(data.reservedUsd)],
              ['Remaining', usd(data.remainingUsd)],
            ].map(([k, v]) => (
              <div key={k}>
                <dt className="text-sm text-slate-700 dark:text-slate-300">{k}</dt>
                <dd className="text-lg font-semibold">{v}</dd>
              </div>
            ))}
          </dl>
          <p>
            {data.day}
            {data.timeZone ? ` (${data.timeZone})` : ''}:{' '}
            {data.paused ? <strong className="text-red-800 dark:text-red-200">paused — work waits for more budget</strong> : 'running'}
          </p>
          {data.pauses.length > 0 ? (
            <section aria-label="Pauses">
              <h2 className="text-lg font-semibold">Paused work</h2>
              <ul className="space-y-2 text-sm">
                {data.pauses.map((p, i) => {
                  const target = capTarget(p);
                  return (
                    <li key={i}>
                      {p.limit} ({p.scope}) since {p.since}: spent {usd(p.spentUsd)} of {usd(p.limitUsd)}, asks {usd(p.requestedUsd)}
                      {p.task ? ` for ${p.task}` : ''}
                      {target && canApprove(session.scope) ? (
                        <AmountForm
                          id={`raise-cap-${i}`}
                          label={`Raise the ${p.limit} limit of ${target.task ?? target.run} to (USD)`}
                          button={`Raise ${p.limit} limit`}
                          onSubmit={(v) => api.raiseBudget(v, target).then(reload)}
                        />
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </section>
          ) : null}
          {canApprove(session.scope) ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <AmountForm
                id="raise"
                label="Raise today's limit to (USD)"
                button="Raise limit"
                onSubmit={(v) => api.raiseBudget(v).then(reload)}
              />
              <AmountForm
                id="extra"
                label="Approve extra spend (USD)"
                button="Approve extra"
                onSubmit={(v) => api.approveExtra(v).then(reload)}
              />
            </div>
          ) : (
            <p className="text-sm">Your token's scope ({session.scope}) cannot change the budget.</p>
          )}
          {data.approvals.length > 0 ? (
            <section aria-label="Approvals">
              <h2 className="text-lg font-semibold">Approvals</h2>
              <ul className="text-sm">
                {data.approvals.map((a, i) => (
                  <li key={i}>
                    {a.at}: {a.kind} {usd(a.amountUsd)} ({a.scope}) by {a.by}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function AmountForm(props: { id: string; label: string; button: string; onSubmit: (value: number) => Promise<unknown> }) {
  const [value, setValue] = useState('');
  const [message, setMessage] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = Number(value);
    if (!Number.isFinite(amount) || amount <= 0) {
      setMessage('Enter an amount in dollars greater than 0, e.g. 10.');
      return;
    }
    props.onSubmit(amount).then(
      () => {
        setMessage('Done.');
        setValue('');
      },
      (e: unknown) => setMessage(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <form onSubmit={submit} className="space-y-1">
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <div className="flex gap-2">
        <input
          id={props.id}
          inputMode="decimal"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="w-28 rounded border border-slate-500 bg-white p-2 text-slate-900 dark:bg-slate-900 dark:text-slate-100"
        />
        <button type="submit" className="min-h-11 rounded bg-blue-700 px-3 py-2 font-semibold text-white">
          {props.button}
        </button>
      </div>
      {message ? <p role="status" className="text-sm">{message}</p> : null}
    </form>
  );
}
