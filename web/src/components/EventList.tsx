import type { RunEventMessage } from '../api/types';

function summary(event: RunEventMessage): string {
  const skip = new Set(['kind', 'runId', 'taskId', 'at']);
  return Object.entries(event.body)
    .filter(([key, value]) => !skip.has(key) && value !== null && value !== '')
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ')
    .slice(0, 200);
}

/** The latest events, newest first; a polite live region so a screen reader hears the run move. */
export function EventList({ events }: { events: RunEventMessage[] }) {
  return (
    <section aria-labelledby="events-heading">
      <h2 id="events-heading" className="mb-1 text-sm font-semibold">
        Latest events
      </h2>
      {events.length === 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">No events yet.</p>
      ) : (
        <ol aria-live="polite" className="space-y-0.5 font-mono text-xs">
          {[...events].reverse().map((event) => (
            <li key={event.seq} className="break-words">
              <span className="text-slate-600 dark:text-slate-400">{event.at ? event.at.slice(11, 19) : ''}</span>{' '}
              <span className="font-semibold">{event.kind}</span> {event.taskId ?? ''}{' '}
              <span className="text-slate-700 dark:text-slate-300">{summary(event)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
