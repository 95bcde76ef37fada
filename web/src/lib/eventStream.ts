import type { RunEventMessage } from '../api/types';

/** What the page needs of a browser EventSource; tests hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((this: EventSource, ev: Event) => unknown) | null;
  onerror: ((this: EventSource, ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * The event names the server streams. EventSource hands a named event only to a listener for that name, so every
 * kind must be listed: the store's event log ("task.merged", "budget.paused", ...) and the typed run events of
 * contract A ("TaskStarted", ...), which replace them once the store keeps those.
 */
export const RUN_EVENT_KINDS: readonly string[] = [
  'message',
  ...['planned', 'queued', 'running', 'validating', 'awaiting_review', 'merged', 'blocked', 'failed', 'cancelled'].map(
    (state) => `task.${state}`,
  ),
  'task.tier',
  'task.depends_on',
  'task.stale_write_refused',
  ...['created', 'plan', 'active', 'finished', 'failed', 'cancelled', 'paused', 'stopped'].map((what) => `run.${what}`),
  'budget.paused',
  'budget.approved',
  'budget.overrun',
  'review.diff',
  'review.validated',
  'review.rejected',
  'conductor.failure',
  'conductor.feedback',
  'conductor.environment',
  'conductor.answer',
  'session.summarized',
  'main.validation',
  'person.answered',
  'api.approve',
  'api.reject',
  'api.answer',
  'api.cancel',
  'TaskPlanned',
  'TaskQueued',
  'TaskReclaimed',
  'TaskStarted',
  'ToolRefused',
  'SessionBilled',
  'ClaudeCodeSession',
  'Validated',
  'DiffNeedsReview',
  'AwaitingReview',
  'Merged',
  'FoundMerged',
  'MergeConflicted',
  'TaskBlocked',
  'NothingToChange',
  'Retried',
  'Escalated',
  'RetriesExhausted',
  'BudgetPaused',
  'EnvironmentFailed',
  'TransientFailure',
  'TaskFailed',
  'LeaseLost',
  'WorkerStopped',
  'RunCancelled',
  'NoLiveWorker',
  'AskedPerson',
  'PersonAnswered',
  'EscalatedByConductor',
  'Replanned',
  'ResolutionPlanned',
  'AnswerFailed',
  'BlockedFileIgnored',
  'MainValidated',
  'MainUncheckable',
  'MainCheckUnrecorded',
  'HousekeepingFailed',
  'RunFinished',
  'CallRetried',
  'SessionCompacted',
];

const RETRY_MS = 2000;

/**
 * Follows a run's event stream without losing or repeating events. The browser's EventSource reconnects by
 * itself and sends Last-Event-ID; when it gives up (state CLOSED, e.g. the server restarted) this opens a new
 * one from the last sequence number seen (`?lastEventId=`, the server's query form of the header), and drops any event at or below it, so a replayed event
 * is never applied twice.
 */
export class RunEventStream {
  private source: EventSourceLike | null = null;
  private lastSeq = -1;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onEvent: (event: RunEventMessage) => void,
    private readonly onState: (state: StreamState) => void,
    private readonly factory: EventSourceFactory = (u) => new EventSource(u, { withCredentials: true }),
  ) {}

  start(): void {
    this.open();
  }

  stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.source?.close();
  }

  /** The highest sequence number applied so far, -1 before the first. */
  get lastEventId(): number {
    return this.lastSeq;
  }

  private open(): void {
    if (this.closed) return;
    this.onState(this.lastSeq < 0 ? 'connecting' : 'reconnecting');
    const url = this.lastSeq < 0 ? this.url : `${this.url}${this.url.includes('?') ? '&' : '?'}lastEventId=${this.lastSeq}`;
    const source = this.factory(url);
    this.source = source;
    source.onopen = () => this.onState('live');
    source.onerror = () => {
      if (this.closed) return;
      // 2 = EventSource.CLOSED: the browser will not retry by itself.
      if (source.readyState === 2) {
        source.close();
        this.onState('reconnecting');
        this.timer = setTimeout(() => this.open(), RETRY_MS);
      } else {
        this.onState('reconnecting');
      }
    };
    for (const kind of RUN_EVENT_KINDS) {
      source.addEventListener(kind, (message) => this.deliver(kind, message));
    }
  }

  private deliver(kind: string, message: MessageEvent<string>): void {
    const seq = Number(message.lastEventId);
    if (Number.isFinite(seq) && message.lastEventId !== '' && seq <= this.lastSeq) {
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(message.data);
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      body = { text: message.data };
    }
    if (Number.isFinite(seq) && message.lastEventId !== '') this.lastSeq = seq;
    const realKind = kind === 'message' && typeof body.kind === 'string' ? body.kind : kind;
    this.onEvent({
      seq: Number.isFinite(seq) ? seq : this.lastSeq,
      kind: realKind,
      taskId: typeof body.taskId === 'string' ? body.taskId : undefined,
      at: typeof body.at === 'string' ? body.at : undefined,
      body,
    });
  }
}
