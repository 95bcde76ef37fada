import { TASK_STATES, type RunEventMessage, type RunStatus, type RunTask, type TaskState } from '../api/types';

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
  NothingToChange: 'blocked',
  AskedPerson: 'blocked',
  RetriesExhausted: 'failed',
  TaskFailed: 'failed',
};

const STATES = new Set<string>(TASK_STATES);

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

function number(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/**
 * The state a store log event names ("task.merged"), or the state a typed run event moves its task to.
 */
function stateAfter(kind: string): TaskState | undefined {
  if (kind.startsWith('task.') && STATES.has(kind.slice(5))) return kind.slice(5) as TaskState;
  return STATE_AFTER[kind];
}

/**
 * Applies one live event to the run as last fetched, so the page moves at once; the page re-reads the run
 * document after a burst of events, which stays the source of truth.
 */
export function applyEvent(run: RunStatus, event: RunEventMessage): RunStatus {
  const taskId = event.taskId ?? (typeof event.body.taskId === 'string' ? event.body.taskId : undefined);
  if (event.kind === 'BudgetPaused' || event.kind === 'budget.paused') {
    return { ...run, budget: { ...run.budget, paused: true } };
  }
  if (!taskId || !run.tasks.some((t) => t.id === taskId)) {
    return run;
  }
  const tasks = run.tasks.map((task): RunTask => {
    if (task.id !== taskId) return task;
    const next: RunTask = { ...task };
    const state = stateAfter(event.kind);
    const detail = typeof event.body.detail === 'string' ? event.body.detail : '';
    if (state) next.state = state;
    switch (event.kind) {
      case 'TaskStarted': {
        next.attempt = number(event.body.attempt) ?? task.attempt;
        next.tier = text(event.body.tier) ?? task.tier;
        next.model = next.tier ?? task.model;
        next.startedAt = event.at ?? task.startedAt;
        break;
      }
      case 'task.running': {
        // detail: "<holder> attempt <n> fence <f>"
        const attempt = /attempt (\d+)/.exec(detail);
        if (attempt) next.attempt = Number(attempt[1]);
        next.startedAt = event.at ?? task.startedAt;
        break;
      }
      case 'task.tier': {
        // detail: "<tier>: <reason>"
        const tier = /^(\w+):/.exec(detail);
        if (tier) next.tier = next.model = tier[1].toLowerCase();
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
