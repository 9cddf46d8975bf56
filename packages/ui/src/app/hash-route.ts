import { useEffect, useState } from 'preact/hooks';

/** A page of the app and its parameters, from the URL's hash (`#/runs/<id>`). */
export type Route =
  | { readonly page: 'runs' }
  | { readonly page: 'run'; readonly runId: string }
  | { readonly page: 'flows' }
  | { readonly page: 'batches' }
  | { readonly page: 'batch'; readonly batchId: string }
  | { readonly page: 'questions' }
  | { readonly page: 'components' };

/** The route a hash names (anything unknown shows the runs). */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('?')[0]!
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const [head, id] = parts;
  if (head === 'runs' && id !== undefined) return { page: 'run', runId: id };
  if (head === 'batches' && id !== undefined) return { page: 'batch', batchId: id };
  if (head === 'flows' || head === 'batches' || head === 'questions' || head === 'components')
    return { page: head };
  return { page: 'runs' };
}

/** The hash of a run's page. */
export const runHref = (runId: string): string => `#/runs/${encodeURIComponent(runId)}`;
/** The hash of a batch's page. */
export const batchHref = (batchId: string): string => `#/batches/${encodeURIComponent(batchId)}`;

/** The current route, following hash changes. */
export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
