import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import type { CostReport } from '../api/types';
import { fakeServer } from '../test/fakes';
import { CostPage } from './CostPage';

const TODAY: CostReport = {
  day: '2026-12-07',
  totalUsd: 0.6,
  calls: 7,
  byModel: [{ model: 'claude-sonnet-4-5', calls: 5, costUsd: 0.5 }],
  byAgent: [{ agent: 'engineer-backend', calls: 7, costUsd: 0.6 }],
  byTask: [{ run: 'r-1', task: 'card-refunds', agent: 'engineer-backend', calls: 7, costUsd: 0.6 }],
  byDay: [
    { day: '2026-12-05', calls: 3, costUsd: 0.25, allOpusUsd: 1.1 },
    { day: '2026-12-07', calls: 7, costUsd: 0.6, allOpusUsd: 2.4 },
  ],
  allOpusUsd: 2.4,
};

describe('CostPage', () => {
  it('charts spend by day beside the all-Opus price, and by model, agent and task, with the figures in tables', async () => {
    const { fetcher, requests } = fakeServer((r) => {
      if (r.url === '/api/v1/cost') return { status: 200, body: TODAY };
      if (r.url === '/api/v1/cost?day=2026-12-05') return { status: 200, body: { ...TODAY, day: '2026-12-05', totalUsd: 0.25, allOpusUsd: 1.1 } };
      if (r.url === '/api/v1/runs') return { status: 200, body: { runs: [] } };
      return undefined;
    });
    render(<CostPage api={new ApiClient(fetcher)} />);
    expect(await screen.findByText(/\$0\.60 in 7 calls on 2026-12-07\. The same calls on Opus alone: \$2\.40 \(saved 75%\)/)).toBeTruthy();
    const byDay = within(screen.getByRole('region', { name: 'By day, routed vs all Opus' }));
    expect(byDay.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Day', 'Routed', 'All Opus']);
    expect(byDay.getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual(['2026-12-05$0.25$1.10', '2026-12-07$0.60$2.40']);
    expect(within(screen.getByRole('region', { name: 'By model' })).getByText('claude-sonnet-4-5')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'By agent' })).getByText('engineer-backend')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'By task' })).getByText('card-refunds')).toBeTruthy();

    await userEvent.type(screen.getByLabelText('Day'), '2026-12-05');
    expect(await screen.findByText(/\$0\.25 in 7 calls on 2026-12-05/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Today' }));
    expect(await screen.findByText(/on 2026-12-07/)).toBeTruthy();
    expect(requests.map((r) => r.url).filter((u) => u.startsWith('/api/v1/cost'))).toEqual([
      '/api/v1/cost',
      '/api/v1/cost?day=2026-12-05',
      '/api/v1/cost',
    ]);
  });

  it('filters by run: the runs are offered, picking one moves to its address, and its cost is asked with ?run=', async () => {
    const ofRun: CostReport = { ...TODAY, day: null, totalUsd: 0.85, calls: 10, allOpusUsd: 3.5 };
    const { fetcher, requests } = fakeServer((r) => {
      if (r.url === '/api/v1/runs') {
        return { status: 200, body: { runs: [{ id: 'r-2', state: 'active' }, { id: 'r-1', state: 'finished' }] } };
      }
      if (r.url === '/api/v1/cost') return { status: 200, body: TODAY };
      if (r.url === '/api/v1/cost?run=r-1') return { status: 200, body: ofRun };
      if (r.url === '/api/v1/cost?day=2026-12-05&run=r-1') return { status: 200, body: { ...ofRun, day: '2026-12-05', totalUsd: 0.25 } };
      return undefined;
    });
    window.history.replaceState(null, '', '/cost');
    const everyRun = render(<CostPage api={new ApiClient(fetcher)} />);
    const select = await screen.findByLabelText('Run');
    await waitFor(() => expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['All runs', 'r-2', 'r-1']));
    await userEvent.selectOptions(select, 'r-1');
    expect(window.location.pathname).toBe('/cost/r-1');
    everyRun.unmount();

    render(<CostPage api={new ApiClient(fetcher)} run="r-1" />);
    expect(await screen.findByRole('heading', { name: 'Cost of run r-1' })).toBeTruthy();
    expect(await screen.findByText(/\$0\.85 in 10 calls by run r-1\. The same calls on Opus alone: \$3\.50/)).toBeTruthy();
    expect((screen.getByLabelText('Run') as HTMLSelectElement).value).toBe('r-1');
    await userEvent.type(screen.getByLabelText('Day'), '2026-12-05');
    expect(await screen.findByText(/\$0\.25 in 10 calls on 2026-12-05 by run r-1/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Every day' }));
    expect(await screen.findByText(/\$0\.85 in 10 calls by run r-1/)).toBeTruthy();
    expect(requests.map((r) => r.url).filter((u) => u.startsWith('/api/v1/cost?'))).toEqual([
      '/api/v1/cost?run=r-1',
      '/api/v1/cost?day=2026-12-05&run=r-1',
      '/api/v1/cost?run=r-1',
    ]);
  });
});
