import { context as otelContext } from '@opentelemetry/api';
import {
  createJsonRpcPeer,
  JsonRpcError,
  type JsonRpcPeer,
  type RequestContext,
  type Transport,
} from '@stepflow/jsonrpc';
import { ErrorCodes, PROTOCOL_VERSION, type ObservabilityContext } from '@stepflow/protocol';
import { ComponentError } from '../component-error.ts';
import type { RegisteredComponent } from '../component-server.ts';
import { RuntimeRequestError } from '../runtime-request-error.ts';
import { startComponentSpan } from './component-span.ts';
import { createContext } from './create-context.ts';
import { LazyAbort } from './lazy-abort.ts';
import { describeIssues, type ValidationOutcome } from './schema-adapter.ts';
import type { Semaphore } from './semaphore.ts';
import type { ConnectOptions, ServerConnection } from '../server-connection.ts';

/** What a connection needs from its server. */
export interface ConnectionDeps {
  readonly registry: ReadonlyMap<string, RegisteredComponent>;
  readonly semaphore: Semaphore;
  readonly executionTimeoutMs: number | undefined;
  readonly writeLog: (line: string) => void;
}

const DEFAULT_GRACE_MS = 5000;

interface ExecuteRequest {
  readonly component: string;
  readonly input: unknown;
  readonly attempt: number;
  readonly observability: ObservabilityContext;
}

/** Starts serving the component protocol over `transport`. */
export async function connectServer(
  transport: Transport,
  deps: ConnectionDeps,
  options: ConnectOptions = {},
): Promise<ServerConnection> {
  const { registry, semaphore, writeLog } = deps;
  const peer: JsonRpcPeer = createJsonRpcPeer(transport, {
    onError: (error) => writeLog(`[stepflow-server] ${error.message}`),
  });
  const active = new Set<LazyAbort>();
  let idleWaiters: Array<() => void> = [];
  let accepting = true;
  let shuttingDown: Promise<void> | undefined;

  const waitIdle = (): Promise<void> =>
    active.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
  const settle = (execution: LazyAbort) => {
    active.delete(execution);
    if (active.size === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };
  const drain = async (graceMs: number, reason: string) => {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([waitIdle(), graceOver]);
    clearTimeout(timer);
    for (const execution of active) execution.abort(new Error(reason));
    await waitIdle();
  };

  peer.handleRequest('initialize', () => ({ server_protocol_version: PROTOCOL_VERSION }));
  peer.handleNotification('initialized', () => {});
  peer.handleRequest('components/list', () => ({
    components: [...registry.values()].map((entry) => entry.info),
  }));
  peer.handleRequest('components/info', (params) => {
    const name = readComponentName(params, 'components/info');
    return { info: lookup(registry, name).info };
  });
  // Synchronous until something is actually asynchronous (validation, a queue slot, the handler):
  // an echo-like component costs no promise of ours.
  peer.handleRequest('components/execute', (params, rpc) => {
    const request = readExecuteParams(params);
    const entry = lookup(registry, request.component);
    if (!accepting) {
      throw new JsonRpcError(
        ErrorCodes.serverError,
        `Server is shutting down; '${entry.info.component}' was not started`,
      );
    }
    const checked = entry.input.validate(request.input);
    return checked instanceof Promise
      ? checked.then((outcome) => admit(entry, outcome, request, rpc))
      : admit(entry, checked, request, rpc);
  });

  type Output = { output: unknown };

  const admit = (
    entry: RegisteredComponent,
    checked: ValidationOutcome,
    request: ExecuteRequest,
    rpc: RequestContext,
  ): Output | Promise<Output> => {
    if (!checked.ok) {
      throw new JsonRpcError(
        ErrorCodes.invalidParams,
        `Invalid input for component '${entry.info.component}': ${describeIssues(checked.issues)}`,
        { component: entry.info.component, issues: checked.issues },
      );
    }
    const execution = new LazyAbort();
    active.add(execution);
    const release = semaphore.tryAcquire();
    if (release) return run(entry, checked.value, request, rpc, execution, release);
    return semaphore.acquire(execution.signal).then(
      (granted) => run(entry, checked.value, request, rpc, execution, granted),
      (error: unknown) => {
        settle(execution);
        throw toWireError(error, entry.info.component, writeLog);
      },
    );
  };

  const run = (
    entry: RegisteredComponent,
    input: unknown,
    request: ExecuteRequest,
    rpc: RequestContext,
    execution: LazyAbort,
    release: () => void,
  ): Output | Promise<Output> => {
    const component = entry.info.component;
    const timeoutMs = deps.executionTimeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => execution.abort(new Error(`'${component}' timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
    const span = startComponentSpan(component, request.attempt, request.observability);
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      release();
      settle(execution);
      span?.end(error);
    };
    let output: unknown;
    try {
      const context = createContext({
        component,
        attempt: request.attempt,
        observability: span?.observability ?? request.observability,
        execution,
        writeLog,
        makeCall: () => (method, params) => {
          const signal = execution.signal;
          return rpc.request(method, params, { signal }).catch((error: unknown) => {
            throw toRuntimeRequestError(method, error, signal);
          });
        },
      });
      output = span
        ? otelContext.with(span.context, () => entry.handler(input, context))
        : entry.handler(input, context);
    } catch (error) {
      finish(error);
      throw toWireError(error, component, writeLog);
    }
    if (!isThenable(output) && entry.output === undefined) {
      finish();
      return { output: output === undefined ? null : output };
    }
    const settled = isThenable(output)
      ? raceAbort(output, execution.signal)
      : Promise.resolve(output);
    return (entry.output ? settled.then((value) => checkOutput(entry, value)) : settled).then(
      (value) => {
        finish();
        return { output: value === undefined ? null : value };
      },
      (error: unknown) => {
        finish(error);
        throw toWireError(error, component, writeLog);
      },
    );
  };

  await peer.start();

  const closed = peer.closed.then(async () => {
    accepting = false;
    // The runtime went away (stdin EOF): give running work its grace period, then abort it.
    await (shuttingDown ??
      drain(options.closeGraceMs ?? DEFAULT_GRACE_MS, 'the connection to the runtime closed'));
  });

  return {
    closed,
    get activeExecutions() {
      return active.size;
    },
    shutdown(options = {}) {
      shuttingDown ??= (async () => {
        accepting = false;
        await drain(options.graceMs ?? DEFAULT_GRACE_MS, 'the server is shutting down');
        // Let the last responses reach the transport before it closes.
        await new Promise((resolve) => setImmediate(resolve));
        await peer.close();
      })();
      return shuttingDown;
    },
  };
}

async function checkOutput(entry: RegisteredComponent, value: unknown): Promise<unknown> {
  const checked = await entry.output!.validate(value === undefined ? null : value);
  if (checked.ok) return checked.value;
  throw new Error(
    `the output of '${entry.info.component}' does not match its output schema: ${describeIssues(checked.issues)}`,
  );
}

function lookup(
  registry: ReadonlyMap<string, RegisteredComponent>,
  name: string,
): RegisteredComponent {
  const entry = registry.get(name.startsWith('/') ? name : `/${name}`);
  if (!entry) {
    throw new JsonRpcError(ErrorCodes.componentNotFound, `Component '${name}' not found`, {
      component: name,
      available: [...registry.keys()],
    });
  }
  return entry;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readComponentName(params: unknown, method: string): string {
  if (!isRecord(params) || typeof params.component !== 'string') {
    throw new JsonRpcError(
      ErrorCodes.invalidParams,
      `Invalid params for "${method}": 'component' must be a string`,
      {
        issues: [{ path: ['component'], message: 'expected a string' }],
      },
    );
  }
  return params.component;
}

// Hand-checked rather than schema-parsed: this is the hot path, and unknown or missing optional
// fields are tolerated as the wire rules ask.
function readExecuteParams(params: unknown): ExecuteRequest {
  const component = readComponentName(params, 'components/execute');
  const { input, attempt, observability } = params as Record<string, unknown>;
  return {
    component,
    input: input === undefined ? null : input,
    attempt: typeof attempt === 'number' && Number.isInteger(attempt) && attempt >= 0 ? attempt : 1,
    observability: isRecord(observability) ? observability : {},
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function raceAbort(work: PromiseLike<unknown>, signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- handlers may throw anything; passed on as is
        reject(error);
      },
    );
  });
}

function messageOf(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    return (error as { message: string }).message;
  }
  return String(error);
}

function toRuntimeRequestError(method: string, error: unknown, signal: AbortSignal): Error {
  if (JsonRpcError.isInstance(error)) {
    return new RuntimeRequestError(method, error.code, error.message, error.data, { cause: error });
  }
  const message = signal.aborted ? `cancelled (${messageOf(signal.reason)})` : messageOf(error);
  return new RuntimeRequestError(method, ErrorCodes.internalError, message, undefined, {
    cause: error,
  });
}

function toWireError(
  error: unknown,
  component: string,
  writeLog: (line: string) => void,
): JsonRpcError {
  if (ComponentError.isInstance(error))
    return new JsonRpcError(error.code, error.message, error.data);
  if (JsonRpcError.isInstance(error)) return error;
  const stack =
    typeof error === 'object' && error !== null ? (error as { stack?: unknown }).stack : undefined;
  writeLog(
    `[${component}] execution failed: ${typeof stack === 'string' ? stack : messageOf(error)}`,
  );
  // The stack stays in the server's log; the wire gets the message only, as the Python SDK sends it.
  return new JsonRpcError(
    ErrorCodes.componentExecutionFailed,
    `Component execution failed: ${messageOf(error)}`,
    {},
  );
}
