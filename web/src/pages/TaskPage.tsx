import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiClient } from '../api/client';
import { canApprove, type RunEventMessage, type Session, type TaskDetail } from '../api/types';
import { ApprovePanel, type Decision } from '../components/ApprovePanel';
import { DiffView } from '../components/DiffView';
import { StateBadge } from '../components/StateBadge';
import type { EventSourceFactory } from '../lib/eventStream';
import { usd } from '../lib/format';
import { Link, runPath } from '../lib/router';
import { useLoad } from '../lib/useLoad';
import { useRunEvents } from '../lib/useRunEvents';

interface Props {
  api: ApiClient;
  session: Session;
  run: string;
  task: string;
  events?: EventSourceFactory;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section aria-labelledby={id} className="space-y-1">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** One task: why it was routed so, its attempts, validation, protocol files, cost, and the review. */
export function TaskPage({ api, session, run, task, events }: Props) {
  const detail = useLoad(`task:${run}:${task}`, () => api.task(run, task));
  const state = detail.data?.state;
  const diff = useLoad(`diff:${run}:${task}:${state ?? ''}`, () =>
    state === 'awaiting_review' ? api.diff(run, task) : Promise.resolve(null),
  );
  const [notice, setNotice] = useState('');
  const { reload } = detail;
  const onEvent = useCallback(
    (event: RunEventMessage) => {
      if (event.taskId === task) reload();
    },
    [task, reload],
  );
  useRunEvents(api.eventsUrl(run), onEvent, events);

  const decided = (decision: Decision) => {
    setNotice(
      decision.kind === 'approved'
        ? `Approved ${decision.commit.slice(0, 12)}; the conductor merges it.`
        : 'Rejected; the agent gets your feedback on its next attempt.',
    );
    reload();
  };

  if (detail.error && !detail.data) return <p role="alert">{detail.error}</p>;
  const t: TaskDetail | null = detail.data;
  if (!t) return <p>Loading…</p>;
  return (
    <>
      <p className="text-sm">
        <Link href={runPath(run)} className="text-blue-800 underline dark:text-blue-300">
          ← run {run}
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="break-all font-mono text-xl font-bold">{t.id}</h1>
        <StateBadge state={t.state} />
        {t.forcedReview ? <span className="rounded bg-amber-700 px-1.5 text-xs font-semibold text-white">review forced</span> : null}
      </div>
      {t.title ? <p className="break-words">{t.title}</p> : null}
      <p className="text-sm">
        {t.agent} · {t.tier ?? t.model} · attempt {t.attempt ?? 0} · {usd(t.costUsd)}
      </p>
      {notice ? (
        <p role="status" className="rounded border border-green-700 p-2 font-medium">
          {notice}
        </p>
      ) : null}

      {t.state === 'awaiting_review' ? (
        <Section title="Review">
          {t.forcedReviewReasons && t.forcedReviewReasons.length > 0 ? (
            <ul className="list-disc pl-5 text-sm">
              {t.forcedReviewReasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : null}
          {diff.error ? <p role="alert">{diff.error}</p> : null}
          {diff.data ? (
            <>
              {canApprove(session.scope) ? (
                <ApprovePanel
                  commit={diff.data.commit}
                  onApprove={(commit) => api.approve(run, task, commit)}
                  onReject={(feedback) => api.reject(run, task, feedback)}
                  onDecided={decided}
                />
              ) : (
                <p className="text-sm">Your token's scope ({session.scope}) can read this review but not decide it.</p>
              )}
              <DiffView diff={diff.data.diff} />
            </>
          ) : diff.error ? null : (
            <p>Loading the diff…</p>
          )}
        </Section>
      ) : null}

      {t.state === 'blocked' && t.question ? (
        <Section title="The conductor asks">
          <p className="whitespace-pre-wrap">{t.question}</p>
          {canApprove(session.scope) ? <AnswerForm onAnswer={(a) => api.answer(run, task, a)} onDone={reload} /> : null}
        </Section>
      ) : null}

      <Section title="Routing">
        {t.routing && t.routing.rules.length > 0 ? (
          <ul className="space-y-1 text-sm">
            {t.routing.rules.map((r, i) => (
              <li key={i}>
                <span className="font-semibold">{r.rule}</span>
                {r.tier ? ` → ${r.tier}` : ''}
                {r.evidence ? <span className="text-slate-700 dark:text-slate-300">: {r.evidence}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm">No routing rules recorded.</p>
        )}
      </Section>

      <Section title="Attempts">
        {t.attempts && t.attempts.length > 0 ? (
          <ol className="space-y-1 text-sm">
            {t.attempts.map((a) => (
              <li key={a.attempt}>
                #{a.attempt} {a.tier ?? ''} — <span className="font-semibold">{a.outcome}</span>
                {a.costUsd !== undefined ? ` · ${usd(a.costUsd)}` : ''}
                {a.feedback ? <pre className="mt-1 whitespace-pre-wrap rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">{a.feedback}</pre> : null}
              </li>
            ))}
          </ol>
        ) : (
          <p className="text-sm">No attempts yet.</p>
        )}
      </Section>

      <Section title="Validation">
        {t.validation ? (
          <pre className="max-h-80 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 text-xs dark:bg-slate-900" tabIndex={0}>
            {t.validation.report}
          </pre>
        ) : (
          <p className="text-sm">Not validated yet.</p>
        )}
      </Section>

      <Section title="Cost by call">
        {t.calls && t.calls.length > 0 ? (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Cost by call">
            <table className="text-sm">
              <thead>
                <tr className="text-left">
                  <th className="pr-3">Model</th>
                  <th className="pr-3">In</th>
                  <th className="pr-3">Out</th>
                  <th>Cost</th>
                </tr>
              </thead>
              <tbody>
                {t.calls.map((c, i) => (
                  <tr key={i}>
                    <td className="pr-3">{c.model}</td>
                    <td className="pr-3">{c.inputTokens ?? ''}</td>
                    <td className="pr-3">{c.outputTokens ?? ''}</td>
                    <td>{usd(c.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm">No calls billed.</p>
        )}
      </Section>

      <Section title="Protocol files">
        {t.protocolFiles && t.protocolFiles.length > 0 ? (
          t.protocolFiles.map((f) => (
            <details key={f.path} className="rounded border border-slate-300 p-2 dark:border-slate-700">
              <summary className="cursor-pointer break-all font-mono text-sm">{f.path}</summary>
              <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap text-xs">{f.content}</pre>
            </details>
          ))
        ) : (
          <p className="text-sm">None.</p>
        )}
      </Section>
    </>
  );
}

function AnswerForm({ onAnswer, onDone }: { onAnswer: (answer: string) => Promise<unknown>; onDone: () => void }) {
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!answer.trim()) {
      setError('Write an answer first.');
      return;
    }
    onAnswer(answer.trim()).then(onDone, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <form onSubmit={submit} className="space-y-2">
      <label htmlFor="answer" className="block text-sm font-medium">
        Your answer
      </label>
      <textarea
        id="answer"
        rows={3}
        value={answer}
        onChange={(e) => setAnswer(e.target.value)}
        className="w-full rounded border border-slate-500 bg-white p-2 text-sm text-slate-900 dark:bg-slate-900 dark:text-slate-100"
      />
      <button type="submit" className="min-h-11 rounded bg-blue-700 px-4 py-2 font-semibold text-white">
        Send answer
      </button>
      {error ? <p role="alert">{error}</p> : null}
    </form>
  );
}
