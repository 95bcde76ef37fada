import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEventMessage } from '../api/types';
import { FakeEventSource } from '../test/fakes';
import { RunEventStream, type StreamState } from './eventStream';

describe('RunEventStream', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers events in order, drops replays, and reopens after a closed stream from the last id', () => {
    const sources: FakeEventSource[] = [];
    const got: RunEventMessage[] = [];
    const states: StreamState[] = [];
    const stream = new RunEventStream('/api/v1/runs/r-1/events', (e) => got.push(e), (s) => states.push(s), (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    });
    stream.start();
    sources[0].open();
    sources[0].emit(1, 'TaskStarted', { taskId: 'docs', attempt: 1 });
    sources[0].emit(2, 'SessionBilled', { taskId: 'docs', costUsd: 0.01 });
    // The browser reconnects by itself and sends Last-Event-ID; a server that replays one more is not applied twice.
    sources[0].fail(false);
    sources[0].emit(2, 'SessionBilled', { taskId: 'docs', costUsd: 0.01 });
    sources[0].emit(3, 'Validated', { taskId: 'docs', commit: 'abc' });
    // The browser gave up: a new stream opens after the last event seen.
    sources[0].fail(true);
    expect(sources[0].closed).toBe(true);
    vi.advanceTimersByTime(2500);
    expect(sources).toHaveLength(2);
    expect(sources[1].url).toBe('/api/v1/runs/r-1/events?lastEventId=3');
    sources[1].open();
    sources[1].emit(4, 'task.merged', { taskId: 'docs', detail: 'merged at abc' });
    expect(got.map((e) => [e.seq, e.kind, e.taskId])).toEqual([
      [1, 'TaskStarted', 'docs'],
      [2, 'SessionBilled', 'docs'],
      [3, 'Validated', 'docs'],
      [4, 'task.merged', 'docs'],
    ]);
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'reconnecting', 'live']);
    stream.stop();
    expect(sources[1].closed).toBe(true);
  });
});
