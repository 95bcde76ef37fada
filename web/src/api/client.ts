import type {
  Budget,
  CostReport,
  Decision,
  RunStatus,
  RunSummary,
  Session,
  TaskDetail,
  TaskDiff,
} from './types';

/** Which limit a budget decision is about: today's (empty), a run's cap, or a task's cap within its run. */
export type BudgetTarget = { run?: string; task?: string };

/** An answer other than 2xx: the status and the human `detail` of the server's RFC 9457 problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(status: number, title: string, detail: string) {
    super(detail);
    this.status = status;
    this.title = title;
  }
}

/** The transport the client uses; tests pass a fake that answers like the server. */
export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

const BASE = '/api/v1';

/**
 * The dashboard's only way to the server. Cookie-authenticated state changes carry the session's CSRF token,
 * which the client learns from the session answer and keeps in memory only.
 */
export class ApiClient {
  private csrf = '';

  constructor(private readonly fetcher: Fetcher = (input, init) => fetch(input, init)) {}

  async session(): Promise<Session | null> {
    try {
      return this.remember(await this.get<Session>('/session'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        return null;
      }
      throw e;
    }
  }

  async signIn(secret: { token: string } | { code: string }): Promise<Session> {
    return this.remember(await this.send<Session>('POST', '/session', secret));
  }

  async signOut(): Promise<void> {
    await this.send<unknown>('DELETE', '/session');
    this.csrf = '';
  }

  runs(): Promise<RunSummary[]> {
    return this.get<{ runs: RunSummary[] }>('/runs').then((body) => body.runs);
  }

  run(runId: string): Promise<RunStatus> {
    return this.get(`/runs/${encodeURIComponent(runId)}`);
  }

  task(runId: string, taskId: string): Promise<TaskDetail> {
    return this.get(`/tasks/${encodeURIComponent(taskId)}?run=${encodeURIComponent(runId)}`);
  }

  diff(runId: string, taskId: string): Promise<TaskDiff> {
    return this.get(`/tasks/${encodeURIComponent(taskId)}/diff?run=${encodeURIComponent(runId)}`);
  }

  approve(runId: string, taskId: string, commit: string): Promise<unknown> {
    return this.send('POST', `/tasks/${encodeURIComponent(taskId)}/approve`, { run: runId, commit });
  }

  reject(runId: string, taskId: string, feedback: string): Promise<unknown> {
    return this.send('POST', `/tasks/${encodeURIComponent(taskId)}/reject`, { run: runId, feedback });
  }

  /** Writes the answer into the task's blocked file; the server names the file. */
  answer(runId: string, taskId: string, answer: string): Promise<{ run: string; task: string; file: string }> {
    return this.send('POST', `/tasks/${encodeURIComponent(taskId)}/answer`, { run: runId, answer });
  }

  /** The server's own audit trail (tokens, the day's budget), newest first. */
  audit(): Promise<Decision[]> {
    return this.get<{ audit: Decision[] }>('/audit').then((body) => body.audit);
  }

  cost(query: { day?: string; run?: string } = {}): Promise<CostReport> {
    const params = new URLSearchParams();
    if (query.day) params.set('day', query.day);
    if (query.run) params.set('run', query.run);
    const suffix = params.toString();
    return this.get(`/cost${suffix ? `?${suffix}` : ''}`);
  }

  budget(): Promise<Budget> {
    return this.get('/budget');
  }

  /** Raises today's limit, or a run's cap (target {run}) or a task's ({run, task}). */
  raiseBudget(to: number, target: BudgetTarget = {}): Promise<unknown> {
    return this.send('POST', '/budget/raise', { to, ...target });
  }

  approveExtra(extra: number, target: BudgetTarget = {}): Promise<unknown> {
    return this.send('POST', '/budget/approve', { extra, ...target });
  }

  /**
   * The address of a run's event stream, for EventSource (which sends the cookie, and Last-Event-ID when it
   * reconnects by itself).
   */
  eventsUrl(runId: string): string {
    return `${BASE}/runs/${encodeURIComponent(runId)}/events`;
  }

  private remember(session: Session): Session {
    this.csrf = session.csrf ?? '';
    return session;
  }

  private get<T>(path: string): Promise<T> {
    return this.call<T>(path, { method: 'GET', headers: { Accept: 'application/json' } });
  }

  private send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.csrf) headers['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return this.call<T>(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const response = await this.fetcher(BASE + path, { ...init, credentials: 'same-origin' });
    const text = await response.text();
    if (!response.ok) {
      throw problem(response.status, text);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }
}

function problem(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { title?: string; detail?: string };
    return new ApiError(status, body.title ?? `HTTP ${status}`, body.detail ?? body.title ?? `HTTP ${status}`);
  } catch {
    return new ApiError(status, `HTTP ${status}`, text.trim() || `the server answered ${status}`);
  }
}
