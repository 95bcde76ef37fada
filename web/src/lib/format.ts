import type { TaskState } from '../api/types';

export function usd(value: number | undefined | null): string {
  const v = value ?? 0;
  if (v !== 0 && Math.abs(v) < 0.01) return `$${v.toFixed(4)}`;
  return `$${v.toFixed(2)}`;
}

/** A token count as people read it: 950, 12.3k, 1.2M. */
export function tokens(count: number | undefined | null): string {
  const n = count ?? 0;
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A size in bytes as people read it: 512 B, 64 KiB, 1.5 MiB. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function stateLabel(state: TaskState): string {
  return state.replace('_', ' ');
}

/** Tailwind classes per state: light and dark pairs chosen for at least 4.5:1 text contrast. */
export const STATE_CLASSES: Record<TaskState, string> = {
  planned: 'bg-slate-100 text-slate-800 border-slate-400 dark:bg-slate-800 dark:text-slate-100 dark:border-slate-500',
  queued: 'bg-slate-100 text-slate-800 border-slate-400 dark:bg-slate-800 dark:text-slate-100 dark:border-slate-500',
  running: 'bg-blue-50 text-blue-900 border-blue-500 dark:bg-blue-950 dark:text-blue-100 dark:border-blue-400',
  validating: 'bg-indigo-50 text-indigo-900 border-indigo-500 dark:bg-indigo-950 dark:text-indigo-100 dark:border-indigo-400',
  awaiting_review: 'bg-amber-50 text-amber-900 border-amber-500 dark:bg-amber-950 dark:text-amber-100 dark:border-amber-400',
  merged: 'bg-green-50 text-green-900 border-green-600 dark:bg-green-950 dark:text-green-100 dark:border-green-500',
  blocked: 'bg-orange-50 text-orange-900 border-orange-500 dark:bg-orange-950 dark:text-orange-100 dark:border-orange-400',
  failed: 'bg-red-50 text-red-900 border-red-600 dark:bg-red-950 dark:text-red-100 dark:border-red-400',
  cancelled: 'bg-gray-100 text-gray-700 border-gray-400 dark:bg-gray-800 dark:text-gray-200 dark:border-gray-500',
};

export function age(iso: string | undefined | null, now: number = Date.now()): string {
  if (!iso) return '';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}
