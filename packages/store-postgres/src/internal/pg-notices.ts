import type { StoreNotice } from '@stepflow/state-store';

/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more: stay well under it. */
export const MAX_PAYLOAD_BYTES = 7900;

/** The payload of a `work` notice. */
export const WORK_PAYLOAD = '{"type":"work"}';

/**
 * Packs `events` notices into as few NOTIFY payloads as fit (`{"type":"events","runs":[[id,
 * lastSeq], …]}`, each under `MAX_PAYLOAD_BYTES`); `work` notices become one payload, last.
 */
export function packNotices(notices: readonly StoreNotice[]): string[] {
  const payloads: string[] = [];
  let runs: string[] = [];
  let bytes = 0;
  const head = '{"type":"events","runs":[';
  const flush = (): void => {
    if (runs.length > 0) payloads.push(`${head}${runs.join(',')}]}`);
    runs = [];
    bytes = head.length + 2;
  };
  let work = false;
  flush();
  for (const notice of notices) {
    if (notice.type === 'work') {
      work = true;
      continue;
    }
    const entry = JSON.stringify([notice.runId, notice.lastSeq]);
    const size = Buffer.byteLength(entry) + 1;
    if (bytes + size > MAX_PAYLOAD_BYTES) flush();
    runs.push(entry);
    bytes += size;
  }
  flush();
  if (work) payloads.push(WORK_PAYLOAD);
  return payloads;
}

/**
 * The notices of one payload. A payload that cannot be read (another program on the channel, a
 * future format) becomes a `work` notice rather than an error, so the listener looks at the
 * store; malformed entries of an events payload are skipped.
 */
export function unpackNotices(payload: string | undefined): StoreNotice[] {
  if (payload === WORK_PAYLOAD) return [{ type: 'work' }];
  if (payload === undefined || payload.length > MAX_PAYLOAD_BYTES * 4) return [{ type: 'work' }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [{ type: 'work' }];
  }
  const runs = (parsed as { runs?: unknown } | null)?.runs;
  if ((parsed as { type?: unknown } | null)?.type !== 'events' || !Array.isArray(runs)) {
    return [{ type: 'work' }];
  }
  const notices: StoreNotice[] = [];
  for (const entry of runs as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) continue;
    const [runId, lastSeq] = entry as unknown[];
    if (typeof runId !== 'string' || !Number.isSafeInteger(lastSeq)) continue;
    notices.push({ type: 'events', runId, lastSeq: lastSeq as number });
  }
  return notices;
}
