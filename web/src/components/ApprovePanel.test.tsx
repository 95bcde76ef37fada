import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { ApprovePanel, type Decision } from './ApprovePanel';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function setup(approve: (commit: string) => Promise<unknown>, reject: (feedback: string) => Promise<unknown> = async () => ({})) {
  const decisions: Decision[] = [];
  const approved: string[] = [];
  const rejected: string[] = [];
  render(
    <ApprovePanel
      commit={COMMIT}
      onApprove={(c) => {
        approved.push(c);
        return approve(c);
      }}
      onReject={(f) => {
        rejected.push(f);
        return reject(f);
      }}
      onDecided={(d) => decisions.push(d)}
    />,
  );
  return { decisions, approved, rejected };
}

describe('ApprovePanel', () => {
  it('approves exactly the commit it shows', async () => {
    const { decisions, approved } = setup(async () => ({ merged: true }));
    expect(screen.getByText(COMMIT)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Approve 01234567' }));
    expect(approved).toEqual([COMMIT]);
    expect(decisions).toEqual([{ kind: 'approved', commit: COMMIT }]);
  });

  it('tells the person to look again when the branch moved (409) and decides nothing', async () => {
    const { decisions } = setup(async () => {
      throw new ApiError(409, 'Conflict', 'the branch is at 999 now.');
    });
    await userEvent.click(screen.getByRole('button', { name: /^Approve/ }));
    expect(screen.getByRole('alert').textContent).toMatch(/branch moved since commit 0123456789ab.*Reload the diff/);
    expect(decisions).toEqual([]);
  });

  it('rejects only with feedback, and sends it', async () => {
    const { decisions, rejected } = setup(async () => ({}));
    await userEvent.click(screen.getByRole('button', { name: 'Reject…' }));
    await userEvent.click(screen.getByRole('button', { name: 'Reject with feedback' }));
    expect(screen.getByRole('alert').textContent).toContain('Say what should change');
    expect(rejected).toEqual([]);
    await userEvent.type(screen.getByLabelText('Feedback for the agent'), 'Use cents, not floats.');
    await userEvent.click(screen.getByRole('button', { name: 'Reject with feedback' }));
    expect(rejected).toEqual(['Use cents, not floats.']);
    expect(decisions).toEqual([{ kind: 'rejected' }]);
  });

  it('is reachable by keyboard alone', async () => {
    const { approved } = setup(async () => ({}));
    await userEvent.tab();
    expect(document.activeElement?.textContent).toBe('Approve 01234567');
    await userEvent.keyboard('{Enter}');
    expect(approved).toEqual([COMMIT]);
  });
});
