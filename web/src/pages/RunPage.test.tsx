import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import type { RunStatus } from '../api/types';
import { FakeEventSource, fakeServer } from '../test/fakes';
import { RUN } from '../test/fixtures';
import { RunPage } from './RunPage';

const REMOTE = 'ssh://git@git.example/shop.git';

function show(status: RunStatus) {
  const { fetcher } = fakeServer((r) => (r.url === '/api/v1/runs/r-1' ? { status: 200, body: status } : undefined));
  render(<RunPage api={new ApiClient(fetcher)} run="r-1" events={(url) => new FakeEventSource(url)} />);
}

describe('RunPage', () => {
  it('says when a run on a remote waits for a worker, and the command that starts one', async () => {
    show({ ...RUN, state: 'waiting', waitingForWorker: { remote: REMOTE, queued: 2, how: `kleiber worker --remote ${REMOTE} --tags node20` } });
    const section = within(await screen.findByRole('region', { name: 'Waiting for a worker' }));
    expect(section.getByText(REMOTE)).toBeTruthy();
    expect(section.getByText(`kleiber worker --remote ${REMOTE} --tags node20`)).toBeTruthy();
    expect(section.getByText(/2 task\(s\) ready and no live worker of/)).toBeTruthy();
  });

  it('says nothing of workers while one can take the work', async () => {
    show({ ...RUN, waitingForWorker: null });
    await screen.findByRole('heading', { name: 'Run r-1' });
    expect(screen.queryByRole('region', { name: 'Waiting for a worker' })).toBeNull();
  });
});
