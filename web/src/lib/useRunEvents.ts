import { useEffect, useRef, useState } from 'react';
import type { RunEventMessage } from '../api/types';
import { RunEventStream, type EventSourceFactory, type StreamState } from './eventStream';

/** Follows a run's live events while the component is shown. */
export function useRunEvents(
  url: string,
  onEvent: (event: RunEventMessage) => void,
  factory?: EventSourceFactory,
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const stream = new RunEventStream(url, (event) => handler.current(event), setState, factory);
    stream.start();
    return () => stream.stop();
  }, [url, factory]);
  return state;
}
