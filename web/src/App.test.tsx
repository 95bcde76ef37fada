import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { ApiClient } from './api/client';
import type { Session, TaskDetail } from './api/types';
import { DIFF, RUN } from './test/fixtures';
import { FakeEventSource, fakeServer } from './test/fakes';

const COMMIT = 'c0ffee0000000000000000000000000000000000';

function server(scope: Session['scope']) {
  let signedIn = false;
  let state: TaskDetail['state'] = 'awaiting_review';
  const task = (): TaskDetail => ({
    id: 'payments',
    run: 'r-1',
    title: 'Payments endpoint',
    agent: 'backend',
    tier: 'sonnet',
    state,
    attempts: 2,
    routing: { tier: 'sonnet', humanReview: true, roleDefault: 'haiku', floor: 'haiku', reasons: [{ rule: 'security-path', evidence: 'payments/' }] },
    cost: { costUsd: 0.31, calls: 4 },
    events: [
      { seq: 3, at: '2026-12-07T10:00:00Z', kind: 'task.running', detail: 'w1 attempt 1 fence 1' },
      { seq: 5, at: '2026-12-07T10:01:00Z', kind: 'conductor.feedback', detail: 'test PayTest failed' },
    ],
    validationReport: 'mvn test: 12 passed',
    protocolFiles: ['tasks/backend/payments.md'],
  });
  const fake = fakeServer((r) => {
    if (r.url === '/api/v1/session' && r.method === 'GET') {
      return signedIn ? { status: 200, body: { name: 'ana', scope, csrf: 'csrf-1' } } : { status: 401, body: { title: 'Unauthorized', detail: 'sign in' } };
    }
    if (r.url === '/api/v1/session' && r.method === 'POST') {
      if ((r.body as { token?: string }).token !== 'kl_good') return { status: 401, body: { title: 'Unauthorized', detail: 'unknown token' } };
      signedIn = true;
      return { status: 200, body: { name: 'ana', scope, csrf: 'csrf-1' } };
    }
    if (r.url === '/api/v1/runs') return { status: 200, body: { runs: [{ id: 'r-1', state: 'active', request: RUN.request, tasks: { merged: 1, awaiting_review: 1 } }] } };
    if (r.url === '/api/v1/runs/r-1') return { status: 200, body: RUN };
    if (r.url === '/api/v1/tasks/payments?run=r-1') return { status: 200, body: task() };
    if (r.url === '/api/v1/tasks/payments/diff?run=r-1') return { status: 200, body: { commit: COMMIT, diff: DIFF } };
    if (r.url === '/api/v1/tasks/payments/approve' && r.method === 'POST') {
      state = 'merged';
      return { status: 200, body: { task: 'payments', merged: true } };
    }
    return undefined;
  });
  return fake;
}

describe('the approve flow', () => {
  let sources: FakeEventSource[];
  const factory = (url: string) => {
    const source = new FakeEventSource(url);
    sources.push(source);
    return source;
  };
  beforeEach(() => {
    sources = [];
    window.history.replaceState(null, '', '/runs/r-1/tasks/payments');
    window.localStorage.clear();
  });

  it('signs in with a token, approves the commit shown with the CSRF header, and sees the task merged live', async () => {
    const { fetcher, requests } = server('approve');
    render(<App api={new ApiClient(fetcher)} events={factory} />);
    await userEvent.type(await screen.findByLabelText('Token'), 'kl_wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('unknown token');
    await userEvent.clear(screen.getByLabelText('Token'));
    await userEvent.type(screen.getByLabelText('Token'), 'kl_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'payments' })).toBeTruthy();
    expect(screen.getByText('security-path')).toBeTruthy();
    expect(screen.getByText(/test PayTest failed/)).toBeTruthy();
    expect(screen.getByText('mvn test: 12 passed')).toBeTruthy();
    expect(await screen.findByRole('navigation', { name: 'Changed files' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Approve c0ffee00' }));

    const approve = requests.find((r) => r.url.includes('/approve'));
    expect(approve?.body).toEqual({ run: 'r-1', commit: COMMIT });
    expect(approve?.headers['X-CSRF-Token']).toBe('csrf-1');
    expect((await screen.findByRole('status')).textContent).toContain('Approved c0ffee000000');

    sources.at(-1)!.open();
    sources.at(-1)!.emit(9, 'task.merged', { taskId: 'payments', detail: 'merged' });
    await waitFor(() => expect(screen.getByRole('heading', { name: 'payments' }).parentElement?.textContent).toContain('merged'));
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
  });

  it('asks the server for the session only when this browser signed in before, and keeps the session on reload', async () => {
    const { fetcher, requests } = server('approve');
    const first = render(<App api={new ApiClient(fetcher)} events={factory} />);
    await screen.findByLabelText('Token');
    expect(requests.filter((r) => r.url === '/api/v1/session')).toHaveLength(0);
    await userEvent.type(screen.getByLabelText('Token'), 'kl_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'payments' });
    first.unmount();
    render(<App api={new ApiClient(fetcher)} events={factory} />);
    expect(await screen.findByRole('heading', { name: 'payments' })).toBeTruthy();
    expect(requests.filter((r) => r.url === '/api/v1/session' && r.method === 'GET')).toHaveLength(1);
  });

  it('shows no decision buttons to a read token', async () => {
    const { fetcher } = server('read');
    render(<App api={new ApiClient(fetcher)} events={factory} />);
    await userEvent.type(await screen.findByLabelText('Token'), 'kl_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText(/scope \(read\) can read this review but not decide it/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Reject/ })).toBeNull();
  });

  it('lists runs that wait for a person first', async () => {
    window.history.replaceState(null, '', '/');
    const { fetcher } = server('read');
    render(<App api={new ApiClient(fetcher)} events={factory} />);
    await userEvent.type(await screen.findByLabelText('Token'), 'kl_good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const item = (await screen.findByRole('link', { name: 'r-1' })).closest('li')!;
    expect(within(item).getByText('1 wait for a person')).toBeTruthy();
  });
});
