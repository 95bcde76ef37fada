import type { RunEventMessage, RunStatus, RunTask, TaskState } from '../api/types';

/** The task state a run event moves its task to, for the events that move one. */
const STATE_AFTER: Record<string, TaskState> = {
  TaskQueued: 'queued',
  TaskReclaimed: 'queued',
  Retried: 'queued',
  Escalated: 'queued',
  TaskStarted: 'running',
  Validated: 'validating',
  AwaitingReview: 'awaiting_review',
  Merged: 'merged',
  FoundMerged: 'merged',
  MergeConflicted: 'blocked',
  TaskBlocked: 'blocked',
  AskedPerson: 'blocked',
  RetriesExhausted: 'failed',
  TaskFailed: 'failed',
};

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

function number(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/**
 * Applies one live event to the run as last fetched, so the page moves at once; the page re-reads the run
 * document after a burst of events, which stays the source of truth.
 */
export function applyEvent(run: RunStatus, event: RunEventMessage): RunStatus {
  const taskId = event.taskId ?? (typeof event.body.taskId === 'string' ? event.body.taskId : undefined);
  if (event.kind === 'BudgetPaused') {
    return { ...run, budget: { ...run.budget, paused: true } };
  }
  if (!taskId || !run.tasks.some((t) => t.id === taskId)) {
    return run;
  }
  const tasks = run.tasks.map((task): RunTask => {
    if (task.id !== taskId) return task;
    const next: RunTask = { ...task };
    const state = STATE_AFTER[event.kind];
    if (state) next.state = state;
    switch (event.kind) {
      case 'TaskStarted': {
        next.attempt = number(event.body.attempt) ?? task.attempt;
        next.tier = text(event.body.tier) ?? task.tier;
        next.model = next.tier ?? task.model;
        next.startedAt = event.at ?? task.startedAt;
        break;
      }
      case 'Escalated': {
        next.tier = text(event.body.to) ?? task.tier;
        next.model = next.tier ?? task.model;
        break;
      }
      case 'SessionBilled': {
        next.costUsd = task.costUsd + (number(event.body.costUsd) ?? 0);
        break;
      }
      case 'DiffNeedsReview': {
        next.forcedReview = true;
        break;
      }
      default:
        break;
    }
    return next;
  });
  const billed = event.kind === 'SessionBilled' ? (number(event.body.costUsd) ?? 0) : 0;
  return {
    ...run,
    tasks,
    budget: billed
      ? {
          ...run.budget,
          runCostUsd: run.budget.runCostUsd + billed,
          spentUsd: run.budget.spentUsd + billed,
          remainingUsd: Math.max(0, run.budget.remainingUsd - billed),
        }
      : run.budget,
  };
}

/** The tasks that need a person, first the ones awaiting review. */
export function needsPerson(run: RunStatus): RunTask[] {
  const rank = (t: RunTask) => (t.state === 'awaiting_review' ? 0 : 1);
  return run.tasks.filter((t) => t.state === 'awaiting_review' || t.state === 'blocked').sort((a, b) => rank(a) - rank(b));
}
