import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import type { Budget, Session } from '../api/types';
import { fakeServer } from '../test/fakes';
import { BudgetPage } from './BudgetPage';

function setup(scope: Session['scope']) {
  const budget: Budget = {
    day: '2026-12-07',
    timeZone: 'UTC',
    limitUsd: 0.4,
    spentUsd: 0.38,
    reservedUsd: 0,
    remainingUsd: 0.02,
    paused: true,
    pauses: [{ limit: 'daily', scope: 'day:2026-12-07', since: '2026-12-07T10:00:00Z', limitUsd: 0.4, spentUsd: 0.38, reservedUsd: 0, requestedUsd: 0.2, task: 'card-refunds' }],
    approvals: [],
  };
  const { fetcher, requests } = fakeServer((r) => {
    if (r.url === '/api/v1/session' && r.method === 'POST') return { status: 200, body: { name: 'ana', scope, csrf: 'csrf-9' } };
    if (r.url === '/api/v1/budget') return { status: 200, body: budget };
    if (r.url === '/api/v1/budget/raise') {
      const to = (r.body as { to: number }).to;
      if (to <= budget.limitUsd) return { status: 400, body: { title: 'Bad Request', detail: `daily limit is already $${budget.limitUsd}` } };
      Object.assign(budget, { limitUsd: to, paused: false, pauses: [], approvals: [...budget.approvals, { at: 'now', scope: 'day:2026-12-07', kind: 'raise', amountUsd: to, by: 'token:ana' }] });
      return { status: 200, body: budget };
    }
    if (r.url === '/api/v1/budget/approve') {
      const extra = (r.body as { extra: number }).extra;
      Object.assign(budget, { limitUsd: budget.limitUsd + extra, approvals: [...budget.approvals, { at: 'later', scope: 'day:2026-12-07', kind: 'extra', amountUsd: extra, by: 'token:ana' }] });
      return { status: 200, body: budget };
    }
    return undefined;
  });
  return { fetcher, requests };
}

describe('BudgetPage', () => {
  it('raises the paused limit and approves extra spend, sending the CSRF token, and shows the new figures', async () => {
    const { fetcher, requests } = setup('approve');
    const api = new ApiClient(fetcher);
    const session = await api.signIn({ token: 'kl_x' });
    render(<BudgetPage api={api} session={session} />);
    expect(await screen.findByText(/paused — work waits for more budget/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Pauses' })).getByText(/asks \$0\.20 for card-refunds/)).toBeTruthy();

    const raise = screen.getByLabelText("Raise today's limit to (USD)");
    await userEvent.type(raise, 'lots');
    await userEvent.click(screen.getByRole('button', { name: 'Raise limit' }));
    expect(screen.getByRole('status').textContent).toBe('Enter an amount in dollars greater than 0, e.g. 10.');
    await userEvent.clear(raise);
    await userEvent.type(raise, '0.3');
    await userEvent.click(screen.getByRole('button', { name: 'Raise limit' }));
    expect((await screen.findByText('daily limit is already $0.4'))).toBeTruthy();
    await userEvent.clear(raise);
    await userEvent.type(raise, '5');
    await userEvent.click(screen.getByRole('button', { name: 'Raise limit' }));
    expect(await screen.findByText('$5.00')).toBeTruthy();
    expect(screen.queryByText(/paused — work waits/)).toBeNull();
    expect((raise as HTMLInputElement).value).toBe('');

    await userEvent.type(screen.getByLabelText('Approve extra spend (USD)'), '2.5');
    await userEvent.click(screen.getByRole('button', { name: 'Approve extra' }));
    expect(await screen.findByText('$7.50')).toBeTruthy();
    const approvals = within(screen.getByRole('region', { name: 'Approvals' }));
    expect(approvals.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'now: raise $5.00 (day:2026-12-07) by token:ana',
      'later: extra $2.50 (day:2026-12-07) by token:ana',
    ]);
    const decisions = requests.filter((r) => r.url.startsWith('/api/v1/budget/'));
    expect(decisions.map((r) => [r.url, r.body, r.headers['X-CSRF-Token']])).toEqual([
      ['/api/v1/budget/raise', { to: 0.3 }, 'csrf-9'],
      ['/api/v1/budget/raise', { to: 5 }, 'csrf-9'],
      ['/api/v1/budget/approve', { extra: 2.5 }, 'csrf-9'],
    ]);
  });

  it('shows a read token the figures and no buttons', async () => {
    const { fetcher } = setup('read');
    render(<BudgetPage api={new ApiClient(fetcher)} session={{ name: 'bo', scope: 'read', csrf: null }} />);
    expect(await screen.findByText(/cannot change the budget/)).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it("raises a paused run's own cap from its pause, naming the run", async () => {
    let body: unknown = null;
    const budget: Budget = {
      day: '2026-12-07',
      limitUsd: 50,
      spentUsd: 1,
      reservedUsd: 0,
      remainingUsd: 49,
      paused: false,
      pauses: [{ limit: 'per-run', scope: 'run:r-7', since: '2026-12-07T10:00:00Z', limitUsd: 1, spentUsd: 0.9, reservedUsd: 0, requestedUsd: 0.2, run: 'r-7', task: 'card-refunds' }],
      approvals: [],
    };
    const { fetcher } = fakeServer((r) => {
      if (r.url === '/api/v1/budget') return { status: 200, body: body === null ? budget : { ...budget, pauses: [] } };
      if (r.url === '/api/v1/budget/raise') {
        body = r.body;
        return { status: 200, body: budget };
      }
      return undefined;
    });
    render(<BudgetPage api={new ApiClient(fetcher)} session={{ name: 'ana', scope: 'approve', csrf: null }} />);
    await userEvent.type(await screen.findByLabelText('Raise the per-run limit of r-7 to (USD)'), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Raise per-run limit' }));
    expect(body).toEqual({ to: 3, run: 'r-7' });
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Pauses' })).toBeNull());
  });
});
