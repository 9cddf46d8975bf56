import { useEffect, useState } from 'preact/hooks';
import { followEvents } from '../api/sse-stream.ts';
import { useApi } from './api-context.ts';

/** Least time between two refreshes a burst of events causes. */
const REFRESH_MS = 300;

/**
 * A counter that goes up when the service reports a run starting or ending (its global event
 * stream), at most once per {@link REFRESH_MS}: a page lists it as a dependency to reload.
 */
export function useLiveRefresh(): number {
  const api = useApi();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    void followEvents(api, 'events', {
      signal: stop.signal,
      reconnect: 'always',
      onMessage: (message) => {
        if (message.event === 'stepStarted' || timer !== undefined) return;
        timer = setTimeout(() => {
          timer = undefined;
          setTick((n) => n + 1);
        }, REFRESH_MS);
      },
    });
    return () => {
      stop.abort();
      clearTimeout(timer);
    };
  }, [api]);
  return tick;
}
