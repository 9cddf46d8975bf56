import { Worker } from 'node:worker_threads';
import type { ComponentContext, ComponentLogLevel } from '../component-context.ts';
import { udfWorkerMain } from './udf-worker-main.ts';
import {
  UDF_CONTEXT_METHODS,
  type FromUdfWorker,
  type ToUdfWorker,
  type UdfContextMethod,
  type UdfErrorData,
} from './udf-worker-messages.ts';

const WORKER_SOURCE = `(${udfWorkerMain.toString()})(require('node:worker_threads'), require('node:vm'));`;

/** How long a worker may sit idle before it is stopped (it is started again on demand). */
const IDLE_MS = 30_000;

/** Limits of a {@link UdfWorkerPool}. */
export interface UdfWorkerPoolOptions {
  /** Workers at most; further calls queue in arrival order. */
  readonly maxWorkers: number;
  /** Time limit of one call, from the moment a worker takes it. */
  readonly timeoutMs: number;
  /** Heap limit of each worker (V8 old generation), in MiB. */
  readonly maxMemoryMb: number;
}

/** One UDF call: compiled source (cached per `key` in each worker), input and context. */
export interface UdfJob {
  readonly key: string;
  /** How errors name the UDF (its blob id). */
  readonly label: string;
  readonly source: string;
  readonly filename: string;
  readonly input: unknown;
  readonly context: ComponentContext;
}

interface Running {
  readonly run: number;
  readonly job: UdfJob;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  readonly onAbort: () => void;
  /** Errors of context calls, kept so a UDF that rethrows one fails with the original. */
  readonly callErrors: Map<number, unknown>;
}

interface PoolWorker {
  readonly worker: Worker;
  /** Set once the worker said it is ready: a call's time limit starts then, not at spawn. */
  ready: boolean;
  running: Running | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

interface Queued {
  readonly job: UdfJob;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onAbort: () => void;
}

/**
 * Runs UDFs in worker threads, so no UDF can block the server: a call past its time limit (or
 * whose execution is cancelled) has its worker terminated, which stops any loop, synchronous or
 * not, and a fresh worker takes the next call. Workers are reused between calls and stop after
 * a while idle; none keeps the process alive.
 */
export class UdfWorkerPool {
  readonly #options: UdfWorkerPoolOptions;
  readonly #workers = new Set<PoolWorker>();
  readonly #idle: PoolWorker[] = [];
  readonly #queue: Queued[] = [];
  #nextRun = 0;

  constructor(options: UdfWorkerPoolOptions) {
    this.#options = options;
  }

  /** Runs one call; rejects on a thrown error, the time limit, the memory limit or an abort. */
  run(job: UdfJob): Promise<unknown> {
    const { signal } = job.context;
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const worker = this.#idle.pop() ?? this.#spawn();
      if (worker !== undefined) {
        this.#dispatch(worker, job, resolve, reject);
        return;
      }
      const queued: Queued = {
        job,
        resolve,
        reject,
        onAbort: () => {
          this.#queue.splice(this.#queue.indexOf(queued), 1);
          reject(abortError(signal));
        },
      };
      signal.addEventListener('abort', queued.onAbort, { once: true });
      this.#queue.push(queued);
    });
  }

  #spawn(): PoolWorker | undefined {
    if (this.#workers.size >= this.#options.maxWorkers) return undefined;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // stdout belongs to the protocol in a stdio server: whatever a UDF prints goes to stderr.
      stdout: true,
      resourceLimits: { maxOldGenerationSizeMb: this.#options.maxMemoryMb },
    });
    // Forwarded chunk by chunk: a pipe per worker would pile listeners up on process.stderr.
    worker.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    worker.unref();
    const entry: PoolWorker = { worker, ready: false, running: undefined, idleTimer: undefined };
    this.#workers.add(entry);
    worker.on('message', (message: FromUdfWorker) => this.#onMessage(entry, message));
    worker.on('error', (error) => this.#onGone(entry, this.#crashError(error)));
    worker.on('exit', (code) => this.#onGone(entry, new Error(`its worker exited (code ${code})`)));
    return entry;
  }

  #dispatch(
    entry: PoolWorker,
    job: UdfJob,
    resolve: (value: unknown) => void,
    reject: (error: Error) => void,
  ): void {
    clearTimeout(entry.idleTimer);
    const { signal } = job.context;
    const run = ++this.#nextRun;
    entry.running = {
      run,
      job,
      resolve,
      reject,
      callErrors: new Map(),
      timer: undefined,
      onAbort: () => this.#kill(entry, abortError(signal)),
    };
    signal.addEventListener('abort', entry.running.onAbort, { once: true });
    if (entry.ready) this.#startTimer(entry);
    const { context } = job;
    this.#post(entry, {
      type: 'run',
      run,
      key: job.key,
      source: job.source,
      filename: job.filename,
      input: job.input,
      info: {
        component: context.component,
        stepId: context.stepId,
        runId: context.runId,
        flowId: context.flowId,
        attempt: context.attempt,
        observability: context.observability,
      },
    });
  }

  #startTimer(entry: PoolWorker): void {
    const running = entry.running;
    if (running === undefined) return;
    const { timeoutMs } = this.#options;
    running.timer = setTimeout(() => {
      this.#kill(entry, new Error(`UDF ${running.job.label} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  }

  #onMessage(entry: PoolWorker, message: FromUdfWorker): void {
    if (message.type === 'ready') {
      entry.ready = true;
      this.#startTimer(entry);
      return;
    }
    const running = entry.running;
    if (running === undefined || message.run !== running.run) {
      // A stale call of a finished UDF (a promise it left behind) is refused, never run.
      if (message.type === 'call') {
        this.#post(entry, {
          type: 'reply',
          call: message.call,
          ok: false,
          error: { name: 'Error', message: 'the UDF call this belongs to has finished' },
        });
      }
      return;
    }
    const { context } = running.job;
    switch (message.type) {
      case 'log':
        context.log[logLevel(message.level)](
          message.message,
          message.fields as Record<string, unknown> | undefined,
        );
        return;
      case 'call':
        void this.#call(entry, running, message.call, message.method, message.args);
        return;
      case 'done': {
        this.#settle(entry);
        if (message.ok) {
          running.resolve(message.json === undefined ? undefined : JSON.parse(message.json));
        } else {
          const original =
            message.error.ref === undefined ? undefined : running.callErrors.get(message.error.ref);
          running.reject(original instanceof Error ? original : fromErrorData(message.error));
        }
        this.#release(entry);
        return;
      }
    }
  }

  async #call(
    entry: PoolWorker,
    running: Running,
    call: number,
    method: string,
    args: readonly unknown[],
  ): Promise<void> {
    try {
      if (!(UDF_CONTEXT_METHODS as readonly string[]).includes(method)) {
        throw new TypeError(`context.${method} is not available to a UDF`);
      }
      const context = running.job.context as unknown as Record<
        UdfContextMethod,
        (...args: readonly unknown[]) => Promise<unknown>
      >;
      const value = await context[method as UdfContextMethod](...args);
      if (entry.running === running) this.#post(entry, { type: 'reply', call, ok: true, value });
    } catch (error) {
      if (entry.running !== running) return;
      running.callErrors.set(call, error);
      this.#post(entry, {
        type: 'reply',
        call,
        ok: false,
        error: { ...fromError(error), ref: call, props: cloneableProps(error) },
      });
    }
  }

  #post(entry: PoolWorker, message: ToUdfWorker): void {
    try {
      entry.worker.postMessage(message);
    } catch (error) {
      // A value that cannot cross threads (structured clone) fails the call, not the server.
      this.#kill(
        entry,
        new Error(`UDF data cannot be passed to the worker: ${fromError(error).message}`),
      );
    }
  }

  /** Ends the running call (if any) with `error` and discards the worker. */
  #kill(entry: PoolWorker, error: Error): void {
    const running = entry.running;
    this.#settle(entry);
    this.#discard(entry);
    void entry.worker.terminate();
    running?.reject(error);
    this.#pump();
  }

  #onGone(entry: PoolWorker, error: Error): void {
    const running = entry.running;
    this.#settle(entry);
    this.#discard(entry);
    if (running !== undefined) {
      running.reject(
        new Error(`UDF ${running.job.label} failed: ${error.message}`, { cause: error }),
      );
    }
    this.#pump();
  }

  #crashError(error: Error): Error {
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_OUT_OF_MEMORY') return error;
    const limit = this.#options.maxMemoryMb;
    return new Error(`it ran out of memory (limit ${limit} MiB)`, { cause: error });
  }

  /** Clears the running call's timer and abort listener; the call itself is settled by the caller. */
  #settle(entry: PoolWorker): void {
    const running = entry.running;
    if (running === undefined) return;
    entry.running = undefined;
    clearTimeout(running.timer);
    running.job.context.signal.removeEventListener('abort', running.onAbort);
  }

  #discard(entry: PoolWorker): void {
    clearTimeout(entry.idleTimer);
    this.#workers.delete(entry);
    const idle = this.#idle.indexOf(entry);
    if (idle !== -1) this.#idle.splice(idle, 1);
  }

  #release(entry: PoolWorker): void {
    const next = this.#queue.shift();
    if (next !== undefined) {
      next.job.context.signal.removeEventListener('abort', next.onAbort);
      this.#dispatch(entry, next.job, next.resolve, next.reject);
      return;
    }
    this.#idle.push(entry);
    entry.idleTimer = setTimeout(() => this.#kill(entry, new Error('idle')), IDLE_MS);
    entry.idleTimer.unref();
  }

  /** Starts queued calls on fresh workers once discarded ones made room. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#spawn();
      if (worker === undefined) return;
      const next = this.#queue.shift() as Queued;
      next.job.context.signal.removeEventListener('abort', next.onAbort);
      this.#dispatch(worker, next.job, next.resolve, next.reject);
    }
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

function fromError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The own data properties of `error` that can cross threads (`code`, `data`, `reason`, …). */
function cloneableProps(error: unknown): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  if (typeof error !== 'object' || error === null) return props;
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    try {
      props[key] = structuredClone(value);
    } catch {
      // Not cloneable (a function, a socket): left out.
    }
  }
  return props;
}

function fromErrorData(data: UdfErrorData): Error {
  const error = new Error(data.message);
  error.name = data.name;
  return error;
}

/** A worker's log level, as one of the context logger's; anything else logs at info. */
function logLevel(level: string | undefined): ComponentLogLevel {
  return level === 'debug' || level === 'warn' || level === 'error' ? level : 'info';
}
