import type { RunStatus } from '../api/types';

export const RUN: RunStatus = {
  run: 'r-1',
  request: 'Add a payments endpoint',
  tasks: [
    { id: 'schema', agent: 'backend', tier: 'haiku', model: 'haiku', state: 'merged', attempt: 1, dependsOn: [], costUsd: 0.012 },
    { id: 'payments', agent: 'backend', tier: 'sonnet', model: 'sonnet', state: 'awaiting_review', attempt: 2, dependsOn: ['schema'], costUsd: 0.31, forcedReview: true, reasons: [{ rule: 'security-path', evidence: 'payments/' }] },
    { id: 'docs', agent: 'writer', tier: 'haiku', model: 'haiku', state: 'running', attempt: 1, dependsOn: ['schema'], costUsd: 0.004 },
    { id: 'release', agent: 'backend', tier: 'haiku', model: 'haiku', state: 'planned', attempt: 0, dependsOn: ['payments', 'docs'], costUsd: 0 },
  ],
  budget: { day: '2026-12-07', limitUsd: 20, spentUsd: 1.5, reservedUsd: 0.5, remainingUsd: 18, paused: false, runCostUsd: 0.326 },
  waitingForPerson: [{ task: 'payments', run: 'r-1', for: 'review' }],
};

export const DIFF = [
  'diff --git a/src/Pay.java b/src/Pay.java',
  'index 1111111..2222222 100644',
  '--- a/src/Pay.java',
  '+++ b/src/Pay.java',
  '@@ -1,3 +1,4 @@',
  ' public class Pay {',
  '-    int amount = 1;',
  '+    // cents, never floats',
  '+    long amount = 100; String s = "eur";',
  ' }',
  'diff --git a/README.md b/README.md',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/README.md',
  '@@ -0,0 +1 @@',
  '+# Payments',
  '',
].join('\n');
