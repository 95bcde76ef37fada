import { describe, expect, it } from 'vitest';
import { RUN } from '../test/fixtures';
import { applyEvent, needsPerson } from './runState';

describe('applyEvent', () => {
  it('moves a task through its states and adds billed cost to the task and the run', () => {
    let run = applyEvent(RUN, { seq: 1, kind: 'TaskStarted', taskId: 'release', at: '2026-12-07T10:00:00Z', body: { attempt: 1, tier: 'SONNET' } });
    expect(run.tasks.find((t) => t.id === 'release')).toMatchObject({ state: 'running', attempt: 1, tier: 'sonnet', startedAt: '2026-12-07T10:00:00Z' });
    run = applyEvent(run, { seq: 2, kind: 'SessionBilled', taskId: 'release', body: { costUsd: '0.25' } });
    expect(run.tasks.find((t) => t.id === 'release')?.costUsd).toBeCloseTo(0.25);
    expect(run.budget.runCostUsd).toBeCloseTo(0.576);
    run = applyEvent(run, { seq: 3, kind: 'Merged', taskId: 'release', body: {} });
    expect(run.tasks.find((t) => t.id === 'release')?.state).toBe('merged');
    expect(RUN.tasks.find((t) => t.id === 'release')?.state).toBe('planned');
  });

  it('ignores events of tasks it does not know', () => {
    expect(applyEvent(RUN, { seq: 1, kind: 'Merged', taskId: 'other', body: {} })).toBe(RUN);
  });

  it('lists what waits for a person, reviews first', () => {
    const run = applyEvent(RUN, { seq: 1, kind: 'TaskBlocked', taskId: 'docs', body: {} });
    expect(needsPerson(run).map((t) => t.id)).toEqual(['payments', 'docs']);
  });
});
