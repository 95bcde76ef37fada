import type { ApiClient } from '../api/client';
import { DecisionList } from '../components/DecisionList';
import { useLoad } from '../lib/useLoad';

/**
 * The server's own audit trail: tokens created and revoked, the day's budget raised or extra spend approved, each with
 * who did it. A run's decisions are on its page.
 */
export function AuditPage({ api }: { api: ApiClient }) {
  const { data, error } = useLoad('audit', () => api.audit());
  return (
    <>
      <h1 className="text-xl font-bold">Audit trail</h1>
      <p className="text-sm">Tokens and the day&apos;s budget; what was decided about a run is on the run&apos;s page.</p>
      {error ? <p role="alert">{error}</p> : null}
      {/* the server answers newest first; the list shows a trail given oldest first */}
      {data ? <DecisionList title="Audit trail" decisions={[...data].reverse()} /> : null}
    </>
  );
}
