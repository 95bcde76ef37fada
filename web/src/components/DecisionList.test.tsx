import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DecisionList } from './DecisionList';

describe('DecisionList', () => {
  it('names who decided what, newest first, in words', () => {
    render(
      <DecisionList
        decisions={[
          { at: '2026-12-07T10:00:01Z', run: 'r-1', task: '', kind: 'api.start', detail: 'by ops (token): planning the request' },
          { at: '2026-12-07T10:05:00Z', run: 'r-1', task: 'card-refunds', kind: 'person.approved', detail: 'by ana (from $USER); merged as 1a2b3c' },
          { at: '2026-12-07T10:06:00Z', run: 'r-1', task: '', kind: 'budget.surprise', detail: 'by phone (token)' },
        ]}
      />,
    );
    const items = within(screen.getByRole('region', { name: 'Decisions' })).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      '2026-12-07 10:06:00 budget.surprise by phone (token)',
      '2026-12-07 10:05:00 approved card-refunds by ana (from $USER); merged as 1a2b3c',
      '2026-12-07 10:00:01 started by ops (token): planning the request',
    ]);
  });

  it('says when nothing was decided', () => {
    render(<DecisionList decisions={[]} title="Audit trail" />);
    expect(within(screen.getByRole('region', { name: 'Audit trail' })).getByText(/No one has decided/)).toBeTruthy();
  });
});
