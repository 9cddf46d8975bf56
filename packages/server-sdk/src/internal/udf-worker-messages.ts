import type { ObservabilityContext } from '@stepflow/protocol';

/** The context methods a UDF may call; each becomes a request to the main thread. */
export const UDF_CONTEXT_METHODS = [
  'putBlob',
  'getBlob',
  'evaluateFlow',
  'getMetadata',
  'submitBatch',
  'getBatch',
  'evaluateBatch',
] as const;

/** One of {@link UDF_CONTEXT_METHODS}. */
export type UdfContextMethod = (typeof UDF_CONTEXT_METHODS)[number];

/** The plain-data part of the context, copied into the worker. */
export interface UdfContextInfo {
  readonly component: string;
  readonly stepId: string | undefined;
  readonly runId: string | undefined;
  readonly flowId: string | undefined;
  readonly attempt: number;
  readonly observability: ObservabilityContext;
}

/** An error crossing the thread boundary. `ref` names an error the main thread still holds. */
export interface UdfErrorData {
  readonly name: string;
  readonly message: string;
  readonly ref?: number;
  /** The error's own data properties (`code`, `data`, `reason`, `method`, …), where cloneable. */
  readonly props?: Readonly<Record<string, unknown>>;
}

/** Main thread → worker. `run` numbers the call, so stale messages of an earlier one are ignored. */
export type ToUdfWorker =
  | {
      readonly type: 'run';
      readonly run: number;
      readonly key: string;
      readonly source: string;
      readonly filename: string;
      readonly input: unknown;
      readonly info: UdfContextInfo;
    }
  | { readonly type: 'reply'; readonly call: number; readonly ok: true; readonly value: unknown }
  | {
      readonly type: 'reply';
      readonly call: number;
      readonly ok: false;
      readonly error: UdfErrorData;
    };

/** Worker → main thread. `ready` comes first, once the worker can take a call. */
export type FromUdfWorker =
  | { readonly type: 'ready'; readonly run: 0 }
  | {
      readonly type: 'call';
      readonly run: number;
      readonly call: number;
      readonly method: string;
      readonly args: readonly unknown[];
    }
  | {
      readonly type: 'log';
      readonly run: number;
      /** `debug`, `info`, `warn` or `error` (`console.debug` … `console.error`); default `info`. */
      readonly level?: string;
      readonly message: string;
      readonly fields?: unknown;
    }
  | {
      readonly type: 'done';
      readonly run: number;
      readonly ok: true;
      readonly json: string | undefined;
    }
  | {
      readonly type: 'done';
      readonly run: number;
      readonly ok: false;
      readonly error: UdfErrorData;
    };
