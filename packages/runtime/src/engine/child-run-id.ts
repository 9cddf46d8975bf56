import { createHash } from 'node:crypto';

/**
 * The id of a nested run, derived from what started it: the parent run and step, the step's
 * retry generation, the flow, the input, and how many identical nested runs that execution
 * started before. A step dispatched again after a crash asks for the same children and so finds
 * their journals: finished children are not run again. Any difference in flow or input gives
 * another id, so a journal is never replayed for a different run.
 */
export function childRunId(parts: {
  readonly parentRunId: string;
  readonly parentStepId: string;
  readonly generation: number;
  readonly flowId: string;
  readonly input: unknown;
  readonly occurrence: number;
}): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        parts.parentRunId,
        parts.parentStepId,
        parts.generation,
        parts.flowId,
        parts.occurrence,
      ]),
    )
    .update('\n')
    .update(JSON.stringify(parts.input) ?? 'null')
    .digest('hex');
  // Formatted as an RFC 9562 version 8 (custom) UUID, so it passes wherever a run id must be one.
  const variant = ((parseInt(hash[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-8${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}
