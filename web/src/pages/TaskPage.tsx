import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiClient } from '../api/client';
import { canApprove, type LedgerCall, type ProtocolText, type RunEventMessage, type Session, type TaskDetail } from '../api/types';
import { ApprovePanel, type Decision } from '../components/ApprovePanel';
import { DiffView } from '../components/DiffView';
import { StateBadge } from '../components/StateBadge';
import type { EventSourceFactory } from '../lib/eventStream';
import { size, tokens, usd } from '../lib/format';
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

/** The log entries that tell an attempt's story: started, validated, failed with feedback, rejected, moved tier. */
function isAttemptEvent(kind: string): boolean {
  return kind.startsWith('task.') || kind.startsWith('review.') || kind.startsWith('conductor.') || kind.startsWith('api.');
}

/** One task: why it was routed so, its attempts, validation, protocol files, cost, and the review. */
export function TaskPage({ api, session, run, task, events }: Props) {
  const detail = useLoad(`task:${run}:${task}`, () => api.task(run, task));
  const state = detail.data?.state;
  const diff = useLoad(`diff:${run}:${task}:${state ?? ''}`, () =>
    state === 'awaiting_review' ? api.diff(run, task) : Promise.resolve(null),
  );
  // A blocked task's question is in the run document's list of what waits for a person.
  const question = useLoad(`question:${run}:${task}:${state ?? ''}`, () =>
    state === 'blocked'
      ? api.run(run).then((status) => status.waitingForPerson.find((w) => w.task === task && w.run === run)?.question ?? null)
      : Promise.resolve(null),
  );
  const [notice, setNotice] = useState('');
  const [answered, setAnswered] = useState('');
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
        ? `Approved ${decision.commit.slice(0, 12)}.`
        : 'Rejected; the agent gets your feedback on its next attempt.',
    );
    reload();
  };

  if (detail.error && !detail.data) return <p role="alert">{detail.error}</p>;
  const t: TaskDetail | null = detail.data;
  if (!t) return <p>Loading…</p>;
  const history = (t.events ?? []).filter((e) => isAttemptEvent(e.kind));
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
        {t.routing?.humanReview ? <span className="rounded bg-amber-700 px-1.5 text-xs font-semibold text-white">review forced</span> : null}
      </div>
      {t.title && t.title !== t.id ? <p className="break-words font-medium">{t.title}</p> : null}
      <p className="text-sm">
        {t.agent} · {t.tier} · attempt {t.attempts ?? 0} · {usd(t.cost?.costUsd)} in {t.cost?.calls ?? 0} calls
        {t.branch ? (
          <>
            {' '}
            · branch <code className="break-all">{t.branch}</code>
          </>
        ) : null}
      </p>
      {notice ? (
        <p role="status" className="rounded border border-green-700 p-2 font-medium">
          {notice}
        </p>
      ) : null}

      {t.state === 'awaiting_review' ? (
        <Section title="Review">
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

      {t.state === 'blocked' && question.data ? (
        <Section title="The conductor asks">
          <p className="whitespace-pre-wrap">{question.data}</p>
          {canApprove(session.scope) && answered !== question.data ? (
            <AnswerForm
              onAnswer={(a) => api.answer(run, task, a)}
              onDone={(file) => {
                // the question stays open until the conductor has read the answer: the form does not
                setAnswered(question.data ?? '');
                setNotice(`Answer sent: written to ${file} for the conductor.`);
                reload();
              }}
            />
          ) : null}
        </Section>
      ) : null}

      {t.description ? (
        <Section title="What was asked">
          <p className="whitespace-pre-wrap text-sm">{t.description}</p>
        </Section>
      ) : null}

      <Section title="Routing">
        {t.routing ? (
          <>
            <p className="text-sm">
              Model tier <strong>{t.routing.tier}</strong>
              {t.routing.roleDefault ? ` (the role's default is ${t.routing.roleDefault}` : ''}
              {t.routing.roleDefault && t.routing.floor ? `, floor ${t.routing.floor})` : t.routing.roleDefault ? ')' : ''}
              {t.routing.humanReview ? '; a person reviews the change.' : '.'}
            </p>
            {t.routing.reasons.length > 0 ? (
              <ul className="list-disc space-y-1 pl-5 text-sm">
                {t.routing.reasons.map((r, i) => (
                  <li key={i}>
                    <span className="font-semibold">{r.rule}</span>
                    {r.evidence ? <span className="break-words text-slate-700 dark:text-slate-300">: {r.evidence}</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm">No rule fired: the role's default applies.</p>
            )}
          </>
        ) : (
          <p className="text-sm">No routing decision recorded.</p>
        )}
      </Section>

      <Section title="Attempts">
        {history.length > 0 ? (
          <ol className="space-y-1 text-sm">
            {history.map((e) => (
              <li key={e.seq} className="break-words">
                <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{e.at.slice(11, 19)}</span>{' '}
                <span className="font-semibold">{e.kind}</span>
                {e.detail ? (
                  e.detail.includes('\n') ? (
                    <pre className="mt-1 max-h-60 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">{e.detail}</pre>
                  ) : (
                    <span className="text-slate-700 dark:text-slate-300"> {e.detail}</span>
                  )
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <p className="text-sm">No attempts yet.</p>
        )}
      </Section>

      <Section title="Validation">
        {t.validationReport ? (
          <pre className="max-h-80 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 text-xs dark:bg-slate-900" tabIndex={0}>
            {t.validationReport}
          </pre>
        ) : (
          <p className="text-sm">Not validated yet.</p>
        )}
      </Section>

      <Section title="Cost by call">
        <CallTable calls={t.cost?.byCall ?? []} cut={t.cost?.byCallCut ?? false} total={t.cost?.calls ?? 0} />
      </Section>

      <Section title="Protocol files">
        {t.protocolTexts && t.protocolTexts.length > 0 ? (
          <ProtocolTexts files={t.protocolTexts} />
        ) : t.protocolFiles && t.protocolFiles.length > 0 ? (
          <ul className="space-y-0.5 font-mono text-sm">
            {t.protocolFiles.map((path) => (
              <li key={path} className="break-all">
                {path}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm">None.</p>
        )}
      </Section>
    </>
  );
}

function AnswerForm({ onAnswer, onDone }: { onAnswer: (answer: string) => Promise<{ file?: string }>; onDone: (file: string) => void }) {
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!answer.trim()) {
      setError('Write an answer first.');
      return;
    }
    onAnswer(answer.trim()).then(
      (sent) => onDone(sent.file ?? 'its blocked file'),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
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

/** The ledger's rows for the task: one per model call, in a table that scrolls sideways on a phone. */
function CallTable({ calls, cut, total }: { calls: LedgerCall[]; cut: boolean; total: number }) {
  if (calls.length === 0) return <p className="text-sm">No calls yet.</p>;
  const cell = 'px-2 py-0.5 text-right tabular-nums';
  return (
    <>
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Calls of this task">
        <table className="min-w-full text-sm">
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className="px-2 text-left font-medium">
                Time
              </th>
              <th scope="col" className="px-2 text-left font-medium">
                Who
              </th>
              <th scope="col" className="px-2 text-right font-medium">
                Attempt
              </th>
              <th scope="col" className="px-2 text-left font-medium">
                Model
              </th>
              <th scope="col" className="px-2 text-right font-medium">
                In
              </th>
              <th scope="col" className="px-2 text-right font-medium">
                Out
              </th>
              <th scope="col" className="px-2 text-right font-medium">
                Cache write
              </th>
              <th scope="col" className="px-2 text-right font-medium">
                Cache read
              </th>
              <th scope="col" className="px-2 text-right font-medium">
                Cost
              </th>
              <th scope="col" className="px-2 text-left font-medium">
                Outcome
              </th>
            </tr>
          </thead>
          <tbody>
            {calls.map((c, i) => (
              <tr key={i} data-call={i}>
                <td className="px-2 py-0.5 font-mono text-xs">{c.at.slice(11, 19)}</td>
                <td className="px-2 py-0.5">{c.agent}</td>
                <td className={cell}>{c.attempt}</td>
                <td className="px-2 py-0.5 font-mono text-xs">{c.model}</td>
                <td className={cell}>{tokens(c.inputTokens)}</td>
                <td className={cell}>{tokens(c.outputTokens)}</td>
                <td className={cell}>{tokens(c.cacheWrite5mTokens + c.cacheWrite1hTokens)}</td>
                <td className={cell}>{tokens(c.cacheReadTokens)}</td>
                <td className={cell}>${c.costUsd.toFixed(4)}</td>
                <td className="px-2 py-0.5">{c.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cut ? <p className="text-sm">The first {calls.length} of {total} calls.</p> : null}
    </>
  );
}

/** Each protocol file as a disclosure: its path, and its text when opened. */
function ProtocolTexts({ files }: { files: ProtocolText[] }) {
  return (
    <ul className="space-y-1">
      {files.map((f) => (
        <li key={f.path}>
          <details open={f.folder === 'blocked'}>
            <summary className="cursor-pointer break-all font-mono text-sm">
              {f.path}
              {f.truncated ? ` (cut: the first ${size(f.text.length)} of ${size(f.sizeBytes)})` : ''}
            </summary>
            <pre
              className="mt-1 max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-100 p-2 text-xs dark:bg-slate-900"
              tabIndex={0}
            >
              {f.text}
            </pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
