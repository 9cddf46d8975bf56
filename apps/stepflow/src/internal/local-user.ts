import { userInfo } from 'node:os';

/** The local user's name, recorded as who answered a question from this machine. */
export function localUserName(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment may still say.
    return env.USER ?? env.USERNAME ?? 'local user';
  }
}
