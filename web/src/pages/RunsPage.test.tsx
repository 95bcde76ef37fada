import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import type { RunSummary } from '../api/types';
import { fakeServer } from '../test/fakes';
import { RunsPage, sortRuns } from './RunsPage';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const RUNS: RunSummary[] = [
  { id: 'run-new', request: 'Add search', state: 'active', createdAt: '2026-12-07T11:58:00Z', tasks: { running: 2 }, costUsd: 0.12 },
  { id: 'run-waiting', request: 'Add refunds', state: 'active', createdAt: '2026-12-07T09:00:00Z', tasks: { merged: 3, awaiting_review: 1 }, costUsd: 1.5 },
  { id: 'run-old', request: 'Fix typo', state: 'finished', createdAt: '2026-12-01T09:00:00Z', tasks: { merged: 1 }, costUsd: 0.004 },
];

describe('RunsPage', () => {
  it('puts runs that wait for a person first, then the newest', () => {
    expect(sortRuns(RUNS).map((r) => r.id)).toEqual(['run-waiting', 'run-new', 'run-old']);
  });

  it('shows each run with its request, state counts, cost and age', async () => {
    const { fetcher } = fakeServer((r) => (r.url === '/api/v1/runs' ? { status: 200, body: { runs: RUNS } } : undefined));
    const realNow = Date.now;
    Date.now = () => NOW;
    try {
      render(<RunsPage api={new ApiClient(fetcher)} />);
      const items = await screen.findAllByRole('listitem');
      expect(items.map((li) => li.querySelector('a')?.textContent)).toEqual(['run-waiting', 'run-new', 'run-old']);
      expect(items[0].textContent).toContain('active · $1.50 · 3h 0m ago');
      expect(items[0].textContent).toContain('Add refunds');
      expect(items[0].textContent).toContain('1 wait for a person');
      expect(items[0].textContent).toContain('3 merged');
      expect(items[1].textContent).toContain('$0.12 · 2m 0s ago');
      expect(items[2].textContent).toContain('finished · $0.0040 · 6d ago');
    } finally {
      Date.now = realNow;
    }
  });
});
