import type { Flow } from '@stepflow/protocol';
import type { Diagnostic } from '../validation/diagnostic.ts';

/** A flow read from a file or text, with the warnings loading produced (aliases used, …). */
export interface LoadedFlow {
  /** The flow, aliases normalised to camelCase. */
  readonly flow: Flow;
  /** The file it came from (or the `fileName` given to `parseFlowText`). */
  readonly path: string | undefined;
  /** The document as parsed, before alias normalisation (for validation that needs raw keys). */
  readonly raw: unknown;
  /** Loading diagnostics (alias warnings); run `validateFlow` for the full set. */
  readonly diagnostics: readonly Diagnostic[];
}
