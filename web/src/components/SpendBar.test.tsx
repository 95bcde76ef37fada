import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RUN } from '../test/fixtures';
import { SpendBar } from './SpendBar';

describe('SpendBar', () => {
  it("measures today's spend against the daily limit and names the run's share and cap", () => {
    render(<SpendBar budget={{ ...RUN.budget, runCapUsd: 2 }} />);
    const meter = screen.getByRole('meter', { name: 'Spent of the daily budget' });
    expect(meter.getAttribute('aria-valuenow')).toBe('1.5');
    expect(meter.getAttribute('aria-valuemax')).toBe('20');
    expect(meter.getAttribute('aria-valuetext')).toBe('$1.50 of $20.00');
    expect(screen.getByText(/this run \$0\.33 of its cap \$2\.00 · spent \$1\.50 · reserved \$0\.50 · remaining \$18\.00 of \$20\.00/)).toBeTruthy();
  });

  it('says PAUSED, and no cap when the run has none', () => {
    render(<SpendBar budget={{ ...RUN.budget, paused: true, runCapUsd: null }} />);
    expect(screen.getByText('PAUSED')).toBeTruthy();
    expect(screen.queryByText(/its cap/)).toBeNull();
  });
});
