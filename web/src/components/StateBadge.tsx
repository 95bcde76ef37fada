import type { TaskState } from '../api/types';
import { STATE_CLASSES, stateLabel } from '../lib/format';

export function StateBadge({ state }: { state: TaskState }) {
  return (
    <span
      className={`inline-block rounded border px-1.5 py-0.5 text-xs font-medium ${STATE_CLASSES[state] ?? STATE_CLASSES.planned}`}
      data-state={state}
    >
      {stateLabel(state)}
    </span>
  );
}
