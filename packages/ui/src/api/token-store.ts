/** Where the API token lives: the tab's session storage, gone when the tab closes. */
const KEY = 'stepflow.token';

/** The token this tab signed in with, if any. */
export function loadToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // storage blocked: the user signs in again on each load
  }
}

/** Keeps `token` for this tab (or forgets it when `undefined`). */
export function saveToken(token: string | undefined): void {
  try {
    if (token === undefined) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // Storage blocked: the token lives in memory only.
  }
}
