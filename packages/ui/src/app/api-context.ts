import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';

/** The API client every page talks through. */
export const ApiContext = createContext<ApiClient | undefined>(undefined);

/** The API client of the app (pages render only inside the app). */
export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (api === undefined) throw new Error('useApi: no ApiContext above this component');
  return api;
}
