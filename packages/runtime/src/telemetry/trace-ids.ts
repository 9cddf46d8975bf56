import type { RandomSource } from '../clock.ts';

const HEX_UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const ZERO_TRACE_ID = '00000000000000000000000000000000';

/** Eight hex digits from one draw of `random` (32 bits). */
function hex8(random: RandomSource): string {
  return (Math.floor(random() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, '0');
}

/**
 * The W3C trace id (32 lowercase hex digits) of a run that has no recording span: the run id's
 * 128 bits when it is a UUID, so `run_id` and `trace_id` name the same thing, else random bits.
 */
export function traceIdForRun(runId: string, random: RandomSource): string {
  if (HEX_UUID.test(runId)) {
    const id = runId.replaceAll('-', '').toLowerCase();
    if (id !== ZERO_TRACE_ID) return id;
  }
  let id = '';
  while (id.length < 32) id += hex8(random);
  return id === ZERO_TRACE_ID ? `${id.slice(0, 31)}1` : id;
}

/**
 * Makes W3C span ids (16 lowercase hex digits) for one run: a random half and a counter half, so
 * ids within a run never repeat and each costs one draw of `random`.
 */
export function createSpanIds(random: RandomSource): () => string {
  let counter = 0;
  return () => {
    counter = (counter + 1) >>> 0 || 1;
    return hex8(random) + counter.toString(16).padStart(8, '0');
  };
}
