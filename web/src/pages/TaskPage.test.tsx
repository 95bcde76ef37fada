import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import type { Session, TaskDetail } from '../api/types';
import { FakeEventSource, fakeServer } from '../test/fakes';
import { RUN } from '../test/fixtures';
import { TaskPage } from './TaskPage';

const QUESTION = 'Which carrier rate table should shipping use?';

function blockedTask(answered: boolean): TaskDetail {
  return {
    id: 'shipping',
    run: 'r-1',
    agent: 'backend',
    tier: 'sonnet',
    state: answered ? 'queued' : 'blocked',
    attempts: 1,
    cost: {
      costUsd: 0.0261,
      calls: 2,
      byCall: [
        { at: '2026-12-07T10:00:01Z', attempt: 1, agent: 'backend', tier: 'sonnet', model: 'claude-sonnet-4-5', inputTokens: 1200, outputTokens: 300, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, costUsd: 0.0081, outcome: 'ok' },
        { at: '2026-12-07T10:00:09Z', attempt: 1, agent: 'backend', tier: 'sonnet', model: 'claude-sonnet-4-5', inputTokens: 2400, outputTokens: 700, cacheWrite5mTokens: 1000, cacheWrite1hTokens: 0, cacheReadTokens: 15000, costUsd: 0.018, outcome: 'error' },
      ],
    },
    protocolFiles: ['blocked/backend/shipping-conflict.md', 'tasks/backend/shipping.md'],
    protocolTexts: [
      { path: 'blocked/backend/shipping-conflict.md', folder: 'blocked', text: answered ? 'UPS, rates in data/ups.csv' : 'Which carrier?', sizeBytes: 14, truncated: false },
      { path: 'tasks/backend/shipping.md', folder: 'tasks', text: '# Shipping rates\n', sizeBytes: 200_000, truncated: true },
    ],
  };
}

function setup(scope: Session['scope']) {
  let answered = false;
  const { fetcher, requests } = fakeServer((r) => {
    if (r.url === '/api/v1/tasks/shipping?run=r-1') return { status: 200, body: blockedTask(answered) };
    if (r.url === '/api/v1/runs/r-1') {
      return { status: 200, body: { ...RUN, waitingForPerson: answered ? [] : [{ task: 'shipping', run: 'r-1', for: 'blocked', question: QUESTION }] } };
    }
    if (r.url === '/api/v1/tasks/shipping/answer' && r.method === 'POST') {
      answered = true;
      return { status: 200, body: { run: 'r-1', task: 'shipping', file: 'blocked/backend/shipping-conflict.md' } };
    }
    return undefined;
  });
  const session: Session = { name: 'ana', scope, csrf: null };
  render(<TaskPage api={new ApiClient(fetcher)} session={session} run="r-1" task="shipping" events={(url) => new FakeEventSource(url)} />);
  return requests;
}

describe('TaskPage', () => {
  it('lists the cost call by call with tokens, cache traffic, dollars and outcome', async () => {
    setup('read');
    const calls = within(await screen.findByRole('region', { name: 'Calls of this task' }));
    const rows = calls.getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getAllByRole('cell').map((c) => c.textContent)).toEqual(['10:00:01', 'backend', '1', 'claude-sonnet-4-5', '1.2k', '300', '0', '0', '$0.0081', 'ok']);
    expect(within(rows[2]).getAllByRole('cell').map((c) => c.textContent)).toEqual(['10:00:09', 'backend', '1', 'claude-sonnet-4-5', '2.4k', '700', '1.0k', '15k', '$0.0180', 'error']);
  });

  it('shows each protocol file with its text, and says when a text was cut', async () => {
    setup('read');
    const files = within(await screen.findByRole('region', { name: 'Protocol files' }));
    expect(files.getByText('Which carrier?')).toBeTruthy();
    expect(files.getByText(/tasks\/backend\/shipping\.md \(cut: the first 17 B of 195 KiB\)/)).toBeTruthy();
    expect(files.getByText('# Shipping rates')).toBeTruthy();
  });

  it("answers the conductor's question with the person's text and then shows the answered file", async () => {
    const requests = setup('approve');
    const asks = within(await screen.findByRole('region', { name: 'The conductor asks' }));
    expect(asks.getByText(QUESTION)).toBeTruthy();
    await userEvent.click(asks.getByRole('button', { name: 'Send answer' }));
    expect(asks.getByRole('alert').textContent).toBe('Write an answer first.');
    await userEvent.type(asks.getByLabelText('Your answer'), '  UPS, rates in data/ups.csv ');
    await userEvent.click(asks.getByRole('button', { name: 'Send answer' }));
    expect(requests.find((r) => r.url.endsWith('/answer'))?.body).toEqual({ run: 'r-1', answer: 'UPS, rates in data/ups.csv' });
    expect((await screen.findByRole('status')).textContent).toBe('Answer sent: written to blocked/backend/shipping-conflict.md for the conductor.');
    expect(await screen.findByText('UPS, rates in data/ups.csv')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'The conductor asks' })).toBeNull();
  });

  it('hides the answer form once answered while the question stays open until the conductor reads the answer', async () => {
    let answers = 0;
    const { fetcher } = fakeServer((r) => {
      if (r.url === '/api/v1/tasks/shipping?run=r-1') return { status: 200, body: blockedTask(false) };
      if (r.url === '/api/v1/runs/r-1') return { status: 200, body: { ...RUN, waitingForPerson: [{ task: 'shipping', run: 'r-1', for: 'blocked', question: QUESTION }] } };
      if (r.url.endsWith('/answer')) {
        answers++;
        return { status: 200, body: { run: 'r-1', task: 'shipping', file: 'blocked/backend/shipping-conflict.md' } };
      }
      return undefined;
    });
    render(<TaskPage api={new ApiClient(fetcher)} session={{ name: 'ana', scope: 'approve', csrf: null }} run="r-1" task="shipping" events={(url) => new FakeEventSource(url)} />);
    const asks = within(await screen.findByRole('region', { name: 'The conductor asks' }));
    await userEvent.type(asks.getByLabelText('Your answer'), 'UPS');
    await userEvent.click(asks.getByRole('button', { name: 'Send answer' }));
    expect((await screen.findByRole('status')).textContent).toContain('Answer sent');
    expect(asks.getByText(QUESTION)).toBeTruthy();
    expect(asks.queryByRole('button', { name: 'Send answer' })).toBeNull();
    expect(answers).toBe(1);
  });

  it('offers no answer form to a read token', async () => {
    setup('read');
    const asks = within(await screen.findByRole('region', { name: 'The conductor asks' }));
    expect(asks.getByText(QUESTION)).toBeTruthy();
    expect(asks.queryByRole('button', { name: 'Send answer' })).toBeNull();
  });
});
