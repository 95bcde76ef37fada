import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { RunEventMessage, RunStatus } from '../api/types';
import { DecisionList } from '../components/DecisionList';
import { EventList } from '../components/EventList';
import { SpendBar } from '../components/SpendBar';
import { StateBadge } from '../components/StateBadge';
import { TaskGraph } from '../components/TaskGraph';
import type { EventSourceFactory } from '../lib/eventStream';
import { age, usd } from '../lib/format';
import { Link, costPath, taskPath } from '../lib/router';
import { applyEvent, needsPerson } from '../lib/runState';
import { useLoad } from '../lib/useLoad';
import { useRunEvents } from '../lib/useRunEvents';

const KEEP_EVENTS = 30;

interface Props {
  api: ApiClient;
  run: string;
  events?: EventSourceFactory;
}

/** A run, live: the graph, who works, spend, what waits for a person and the latest events. */
export function RunPage({ api, run, events: factory }: Props) {
  const loaded = useLoad(`run:${run}`, () => api.run(run));
  const [status, setStatus] = useState<RunStatus | null>(null);
  const [events, setEvents] = useState<RunEventMessage[]>([]);
  const [now, setNow] = useState(Date.now());
  const refetch = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (loaded.data) setStatus(loaded.data);
  }, [loaded.data]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(timer);
      if (refetch.current) clearTimeout(refetch.current);
    };
  }, []);

  const { reload } = loaded;
  const onEvent = useCallback(
    (event: RunEventMessage) => {
      setStatus((current) => (current ? applyEvent(current, event) : current));
      setEvents((list) => [...list, event].slice(-KEEP_EVENTS));
      // The run document stays the truth: read it again once a burst of events has passed.
      if (refetch.current) clearTimeout(refetch.current);
      refetch.current = setTimeout(reload, 400);
    },
    [reload],
  );
  const stream = useRunEvents(api.eventsUrl(run), onEvent, factory);

  if (loaded.error && !status) return <p role="alert">{loaded.error}</p>;
  if (!status) return <p>Loading…</p>;
  const working = status.tasks.filter((t) => t.state === 'running' || t.state === 'validating');
  const waiting = needsPerson(status);
  return (
    <>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="break-all font-mono text-xl font-bold">Run {status.run}</h1>
        <span
          className={`text-xs ${stream === 'live' ? 'text-green-800 dark:text-green-300' : 'text-amber-800 dark:text-amber-300'}`}
          data-stream={stream}
        >
          {stream === 'live' ? '● live' : stream === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </span>
      </div>
      {status.request ? <p className="break-words">{status.request}</p> : null}
      {waiting.length > 0 ? (
        <section aria-labelledby="waiting-heading" className="rounded-lg border border-amber-500 p-3">
          <h2 id="waiting-heading" className="font-semibold">
            Waiting for you
          </h2>
          <ul className="mt-1 space-y-1">
            {waiting.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center gap-2">
                <Link href={taskPath(status.run, t.id)} className="font-mono text-blue-800 underline dark:text-blue-300">
                  {t.id}
                </Link>
                <StateBadge state={t.state} />
                {t.forcedReview ? <span className="text-xs">review forced by {(t.reasons ?? []).map((r) => r.rule).join(', ')}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {status.waitingForWorker ? (
        <section aria-labelledby="worker-heading" className="rounded-lg border border-amber-500 p-3">
          <h2 id="worker-heading" className="font-semibold">
            Waiting for a worker
          </h2>
          <p className="text-sm">
            {status.waitingForWorker.queued} task(s) ready and no live worker of{' '}
            <span className="break-all font-mono">{status.waitingForWorker.remote}</span> can take them. Start one:{' '}
            <code className="break-all">{status.waitingForWorker.how}</code>, then <code>kleiber resume</code>.
          </p>
        </section>
      ) : null}
      <SpendBar budget={status.budget} />
      <p className="text-sm">
        <Link href={costPath(status.run)} className="text-blue-800 underline dark:text-blue-300">
          Cost of this run
        </Link>{' '}
        by day, model, agent and task
      </p>
      <section aria-labelledby="graph-heading">
        <h2 id="graph-heading" className="mb-1 text-sm font-semibold">
          Tasks ({status.tasks.length})
        </h2>
        <TaskGraph run={status.run} tasks={status.tasks} />
      </section>
      <section aria-labelledby="working-heading">
        <h2 id="working-heading" className="mb-1 text-sm font-semibold">
          Agents at work
        </h2>
        {working.length === 0 ? (
          <p className="text-sm text-slate-700 dark:text-slate-300">None right now.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {working.map((t) => (
              <li key={t.id}>
                <span className="font-semibold">{t.agent}</span> on{' '}
                <Link href={taskPath(status.run, t.id)} className="font-mono underline">
                  {t.id}
                </Link>{' '}
                ({t.tier ?? t.model}, attempt {t.attempt}) {t.startedAt ? `for ${age(t.startedAt, now)}` : ''} · {usd(t.costUsd)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <EventList events={events} />
      <DecisionList decisions={status.decisions ?? []} />
    </>
  );
}
