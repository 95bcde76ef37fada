import type { Decision } from '../api/types';

const WHAT: Record<string, string> = {
  'person.approved': 'approved',
  'person.rejected': 'sent back',
  'person.answered': 'answered',
  'budget.approved': 'budget',
  'api.start': 'started',
  'api.cancel': 'cancelled',
  'api.resume': 'continued',
  'api.not_started': 'never started',
  'api.approve': 'approve (API)',
  'api.reject': 'reject (API)',
  'api.answer': 'answer (API)',
  'api.token.created': 'token created',
  'api.token.revoked': 'token revoked',
};

/** What people and tokens decided, with their names: the audit trail, newest first. */
export function DecisionList({ decisions, title = 'Decisions' }: { decisions: Decision[]; title?: string }) {
  return (
    <section aria-label={title}>
      <h2 className="mb-1 text-sm font-semibold">{title}</h2>
      {decisions.length === 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">No one has decided anything here yet.</p>
      ) : (
        <ol className="space-y-0.5 text-sm">
          {[...decisions].reverse().map((d, i) => (
            <li key={`${d.at}-${i}`} className="break-words">
              <time dateTime={d.at} className="font-mono text-xs text-slate-600 dark:text-slate-400">
                {d.at.slice(0, 19).replace('T', ' ')}
              </time>{' '}
              <span className="font-semibold">{WHAT[d.kind] ?? d.kind}</span>
              {d.task ? <span className="font-mono"> {d.task}</span> : null} <span>{d.detail}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
