/*
 * The shapes of the server's API v1 (contract B; the OpenAPI document at /api/v1/openapi.json is the source).
 * Fields the server may leave out are optional so the dashboard never crashes on a leaner server.
 */

export type Scope = 'read' | 'approve' | 'admin';

export interface Session {
  name: string;
  scope: Scope;
  /** Null when the caller used a bearer token rather than the session cookie. */
  csrf: string | null;
}

export type TaskState =
  | 'planned'
  | 'queued'
  | 'running'
  | 'validating'
  | 'awaiting_review'
  | 'merged'
  | 'blocked'
  | 'failed'
  | 'cancelled';

export const TASK_STATES: readonly TaskState[] = [
  'planned',
  'queued',
  'running',
  'validating',
  'awaiting_review',
  'merged',
  'blocked',
  'failed',
  'cancelled',
];

/** A routing rule that fired for a task, with what it saw. */
export interface Reason {
  rule: string;
  evidence?: string;
}

export interface RunTask {
  id: string;
  title?: string;
  agent: string;
  tier?: string;
  model: string;
  state: TaskState;
  attempt: number;
  dependsOn?: string[];
  costUsd: number;
  forcedReview?: boolean;
  reasons?: Reason[];
  startedAt?: string | null;
}

export interface RunBudget {
  day: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  paused: boolean;
  runCostUsd: number;
  runCapUsd?: number | null;
}

export interface WaitingItem {
  task: string;
  run: string;
  for: 'review' | 'blocked' | 'budget';
  /** For a budget pause: the limit the refused call would have passed. */
  limit?: string;
  how?: string;
  file?: string;
  question?: string;
}

/** GET /api/v1/runs/{run}: the `kleiber status --json` document. */
export interface RunStatus {
  run: string;
  request?: string;
  state?: string;
  tasks: RunTask[];
  budget: RunBudget;
  waitingForPerson: WaitingItem[];
  /** A run on a remote's workers whose ready tasks no live worker can take: what to start (null otherwise). */
  waitingForWorker?: WorkerWait | null;
  /** The run's audit trail, oldest first: who approved, rejected, answered, raised, started or cancelled. */
  decisions?: Decision[];
}

/** Why a run on a remote's workers does not move: its remote, how many tasks are ready, the command that starts a worker. */
export interface WorkerWait {
  remote: string;
  queued: number;
  how: string;
}

/** One entry of an audit trail (a run's `decisions`, GET /api/v1/audit): what a person or a token did, and who. */
export interface Decision {
  at: string;
  run: string;
  task: string;
  kind: string;
  /** "by NAME (token)" through the API, "by NAME (from $USER)" at a terminal, with what was done. */
  detail: string;
}

/** One line of GET /api/v1/runs ({runs: [...]}), newest first. */
export interface RunSummary {
  id: string;
  request?: string;
  state: string;
  createdAt?: string;
  /** How many of the run's tasks are in each state. */
  tasks?: Partial<Record<TaskState, number>>;
  costUsd?: number;
}

/** One entry of the store's event log about a task. */
export interface TaskEvent {
  seq: number;
  at: string;
  kind: string;
  detail: string;
}

/** GET /api/v1/tasks/{task}?run= */
export interface TaskDetail {
  id: string;
  run: string;
  title?: string;
  description?: string;
  agent: string;
  tier?: string;
  state: TaskState;
  attempts?: number;
  dependsOn?: string[];
  branch?: string;
  routing?: { tier: string; humanReview: boolean; roleDefault?: string; floor?: string; reasons: Reason[] };
  cost?: { costUsd: number; calls: number; byCall?: LedgerCall[]; byCallCut?: boolean };
  events?: TaskEvent[];
  validationReport?: string | null;
  /** Paths relative to the repository, such as tasks/backend/payments.md. */
  protocolFiles?: string[];
  /** The same files with their text (markdown inside the protocol folders only, each cut at 64 KiB). */
  protocolTexts?: ProtocolText[];
}

/** One row of the ledger: a single model call of the task. */
export interface LedgerCall {
  at: string;
  attempt: number;
  agent: string;
  tier: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  outcome: string;
}

export interface ProtocolText {
  path: string;
  folder: 'tasks' | 'progress' | 'complete' | 'blocked';
  text: string;
  sizeBytes: number;
  truncated: boolean;
}

/** GET /api/v1/tasks/{task}/diff?run= */
export interface TaskDiff {
  run?: string;
  task?: string;
  commit: string;
  branch?: string;
  diff: string;
  validationReport?: string | null;
}

export interface CostLine {
  calls: number;
  costUsd: number;
  inputTokens?: number;
  outputTokens?: number;
}

/** GET /api/v1/cost: the `kleiber cost --json` document. */
export interface CostReport {
  day: string | null;
  totalUsd: number;
  calls: number;
  byModel: (CostLine & { model: string })[];
  byAgent: (CostLine & { agent: string })[];
  byTask: (CostLine & { run: string; task: string; agent: string })[];
  /** The run's days, or the 30 days up to the day shown; each with what the same calls cost on Opus alone. */
  byDay?: (CostLine & { day: string; allOpusUsd: number })[];
  allOpusUsd: number;
}

export interface BudgetPause {
  limit: string;
  scope: string;
  since: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  requestedUsd: number;
  run?: string;
  task?: string;
}

/** GET /api/v1/budget: the `kleiber budget --json` document. */
export interface Budget {
  day: string;
  timeZone?: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  paused: boolean;
  pauses: BudgetPause[];
  approvals: { at: string; scope: string; kind: string; amountUsd: number; by: string }[];
}

/** One server-sent event: id = the store's sequence number, kind = the RunEvent record's simple name. */
export interface RunEventMessage {
  seq: number;
  kind: string;
  taskId?: string;
  at?: string;
  body: Record<string, unknown>;
}

export function canApprove(scope: Scope): boolean {
  return scope === 'approve' || scope === 'admin';
}

export function isAdmin(scope: Scope): boolean {
  return scope === 'admin';
}
