import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import { fakeServer } from '../test/fakes';
import { AuditPage } from './AuditPage';

describe('AuditPage', () => {
  it("lists the server's trail newest first, with who made and revoked tokens", async () => {
    const { fetcher } = fakeServer((r) => {
      if (r.url === '/api/v1/audit') {
        return {
          status: 200,
          body: {
            audit: [
              { at: '2026-12-07T11:00:00Z', run: '', task: '', kind: 'api.token.revoked', detail: 'ci by ana (from $USER)' },
              { at: '2026-12-07T10:00:00Z', run: '', task: '', kind: 'api.token.created', detail: 'ci (read) by ops (token)' },
            ],
          },
        };
      }
      return undefined;
    });
    render(<AuditPage api={new ApiClient(fetcher)} />);
    const trail = await screen.findByRole('region', { name: 'Audit trail' });
    expect(within(trail).getAllByRole('listitem').map((i) => i.textContent)).toEqual([
      '2026-12-07 11:00:00 token revoked ci by ana (from $USER)',
      '2026-12-07 10:00:00 token created ci (read) by ops (token)',
    ]);
  });
});
