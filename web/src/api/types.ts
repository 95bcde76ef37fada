/*
 * The shapes of the server's API v1 (contract B; the OpenAPI document at /api/v1/openapi.json is the source).
 * Fields the server may leave out are optional so the dashboard never crashes on a leaner server.
 */

export type Scope = 'read' | 'approve' | 'admin';

export interface Session {
  name: string;
  scope: Scope;
  csrf: string;
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
  forcedReviewReasons?: string[];
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
  for: 'review' | 'blocked';
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
}

/** One line of GET /api/v1/runs. */
export interface RunSummary {
  id: string;
  request?: string;
  state: string;
  createdAt?: string;
  counts?: Partial<Record<TaskState, number>>;
  costUsd?: number;
  waitingForPerson?: number;
}

export interface RoutingRule {
  rule: string;
  evidence?: string;
  tier?: string;
}

export interface Attempt {
  attempt: number;
  tier?: string;
  outcome: string;
  feedback?: string;
  costUsd?: number;
  at?: string;
}

export interface CostCall {
  at?: string;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd: number;
}

export interface ProtocolFile {
  path: string;
  content: string;
}

/** GET /api/v1/tasks/{task}?run= */
export interface TaskDetail {
  id: string;
  run: string;
  title?: string;
  agent: string;
  tier?: string;
  model?: string;
  state: TaskState;
  attempt?: number;
  costUsd?: number;
  forcedReview?: boolean;
  forcedReviewReasons?: string[];
  routing?: { tier?: string; rules: RoutingRule[] };
  attempts?: Attempt[];
  validation?: { passed?: boolean; report: string } | null;
  calls?: CostCall[];
  protocolFiles?: ProtocolFile[];
  question?: string | null;
}

/** GET /api/v1/tasks/{task}/diff?run= */
export interface TaskDiff {
  commit: string;
  diff: string;
  files?: string[];
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
  byDay?: (CostLine & { day: string })[];
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
