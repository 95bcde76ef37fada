import type { EventSourceLike } from '../lib/eventStream';
import type { Fetcher } from '../api/client';

/** An EventSource the test drives: open it, send server events, drop it. */
export class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: EventSourceLike['onopen'] = null;
  onerror: EventSourceLike['onerror'] = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.call(this as unknown as EventSource, new Event('open'));
  }

  emit(seq: number, kind: string, body: Record<string, unknown>): void {
    const event = new MessageEvent<string>(kind, { data: JSON.stringify({ kind, ...body }), lastEventId: String(seq) });
    for (const listener of this.listeners.get(kind) ?? []) listener(event);
  }

  fail(closed: boolean): void {
    this.readyState = closed ? 2 : 0;
    this.onerror?.call(this as unknown as EventSource, new Event('error'));
  }
}

export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (request: Recorded) => { status: number; body?: unknown } | undefined;

/** A fetch that answers like the server from a route table and records every request. */
export function fakeServer(handler: Handler): { fetcher: Fetcher; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const fetcher: Fetcher = async (input, init) => {
    const request: Recorded = {
      method: init?.method ?? 'GET',
      url: input,
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const answer = handler(request) ?? { status: 404, body: { title: 'Not Found', detail: `no route ${request.method} ${input}` } };
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': answer.status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  };
  return { fetcher, requests };
}
