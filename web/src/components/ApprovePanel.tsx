import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';

export type Decision = { kind: 'approved'; commit: string } | { kind: 'rejected' };

interface Props {
  commit: string;
  onApprove: (commit: string) => Promise<unknown>;
  onReject: (feedback: string) => Promise<unknown>;
  onDecided: (decision: Decision) => void;
}

/**
 * Approve or reject the change shown. Approve sends the commit the person looked at, so a branch that moved
 * since (409) is refused and the person is told to look again instead of approving unseen code.
 */
export function ApprovePanel({ commit, onApprove, onReject, onDecided }: Props) {
  const [feedback, setFeedback] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [rejecting, setRejecting] = useState(false);

  const run = async (action: () => Promise<unknown>, decision: Decision) => {
    setBusy(true);
    setError('');
    try {
      await action();
      onDecided(decision);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setError(`The branch moved since commit ${commit.slice(0, 12)} was shown: ${e.message} Reload the diff and look again.`);
      } else {
        setError(e instanceof Error ? e.message : String(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const reject = (event: FormEvent) => {
    event.preventDefault();
    if (!feedback.trim()) {
      setError('Say what should change: the agent gets this feedback on its next attempt.');
      return;
    }
    void run(() => onReject(feedback.trim()), { kind: 'rejected' });
  };

  return (
    <section aria-labelledby="decide-heading" className="space-y-3 rounded-lg border border-amber-500 bg-amber-50 p-3 dark:bg-amber-950">
      <h3 id="decide-heading" className="font-semibold">
        Your review
      </h3>
      <p className="text-sm">
        You are deciding on commit <code className="break-all font-mono">{commit}</code>.
      </p>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(() => onApprove(commit), { kind: 'approved', commit })}
          className="min-h-11 rounded bg-green-700 px-4 py-2 font-semibold text-white hover:bg-green-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-green-700 disabled:opacity-60"
        >
          Approve {commit.slice(0, 8)}
        </button>
        <button
          type="button"
          disabled={busy}
          aria-expanded={rejecting}
          onClick={() => setRejecting((r) => !r)}
          className="min-h-11 rounded border border-red-700 px-4 py-2 font-semibold text-red-800 hover:bg-red-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:opacity-60 dark:text-red-200 dark:hover:bg-red-950"
        >
          Reject…
        </button>
      </div>
      {rejecting ? (
        <form onSubmit={reject} className="space-y-2">
          <label htmlFor="reject-feedback" className="block text-sm font-medium">
            Feedback for the agent
          </label>
          <textarea
            id="reject-feedback"
            value={feedback}
            onChange={(e) => setFeedback(e.target.value)}
            rows={4}
            className="w-full rounded border border-slate-500 bg-white p-2 text-sm text-slate-900 dark:bg-slate-900 dark:text-slate-100"
          />
          <button
            type="submit"
            disabled={busy}
            className="min-h-11 rounded bg-red-700 px-4 py-2 font-semibold text-white hover:bg-red-800 disabled:opacity-60"
          >
            Reject with feedback
          </button>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm font-medium text-red-800 dark:text-red-200">
          {error}
        </p>
      ) : null}
    </section>
  );
}
