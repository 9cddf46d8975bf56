import type * as Threads from 'node:worker_threads';
import type * as Vm from 'node:vm';
import type { FromUdfWorker, ToUdfWorker, UdfErrorData } from './udf-worker-messages.ts';

/**
 * The body of a UDF worker thread. It is shipped as source text (`udfWorkerMain.toString()`, run
 * with `eval: true`), so it works from the TypeScript sources under test and inside any bundle
 * without a separate worker file. Hence it must be self-contained: it may use only its
 * parameters and globals, never an import or a module-level helper.
 *
 * The worker runs one UDF call at a time. Each UDF blob is compiled once into a `node:vm` context
 * of its own (globals: `console` only); context methods become requests to the main thread.
 */
export function udfWorkerMain(threads: typeof Threads, vm: typeof Vm): void {
  const port = threads.parentPort;
  if (port === null) throw new Error('udfWorkerMain must run in a worker thread');
  const MAX_COMPILED = 256;
  const compiled = new Map<string, (input: unknown, context: unknown) => unknown>();
  const replies = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const remoteErrors = new WeakMap<object, number>();
  let nextCall = 0;
  let currentRun = 0;

  const send = (message: FromUdfWorker): void => port.postMessage(message);
  const log = (line: string, level = 'info'): void =>
    send({ type: 'log', run: currentRun, level, message: line });
  const text = (value: unknown): string => {
    if (typeof value === 'string') return value;
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  };
  // `console.log` logs at info; the others at their own level.
  const consoleFor =
    (method: string, level: string) =>
    (...args: unknown[]) =>
      log(`${method}: ${args.map(text).join(' ')}`, level);
  const sandboxConsole = {
    log: consoleFor('log', 'info'),
    info: consoleFor('info', 'info'),
    debug: consoleFor('debug', 'debug'),
    warn: consoleFor('warn', 'warn'),
    error: consoleFor('error', 'error'),
  };

  const compile = (key: string, source: string, filename: string) => {
    let fn = compiled.get(key);
    if (fn === undefined) {
      const sandbox = vm.createContext({ console: sandboxConsole });
      fn = new vm.Script(source, { filename }).runInContext(sandbox) as typeof fn & {};
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    } else {
      compiled.delete(key); // Re-inserted below: the map's order is least recently used first.
    }
    compiled.set(key, fn);
    return fn;
  };

  const toErrorData = (error: unknown): UdfErrorData => {
    if (typeof error === 'object' && error !== null) {
      const { name, message } = error as { name?: unknown; message?: unknown };
      const ref = remoteErrors.get(error);
      return {
        name: typeof name === 'string' ? name : 'Error',
        message: typeof message === 'string' ? message : text(error),
        ...(ref !== undefined && { ref }),
      };
    }
    return { name: 'Error', message: String(error) };
  };

  const contextFor = (run: number, info: Extract<ToUdfWorker, { type: 'run' }>['info']) => {
    const call =
      (method: string) =>
      (...args: unknown[]): Promise<unknown> => {
        const id = ++nextCall;
        send({ type: 'call', run, call: id, method, args });
        return new Promise((resolve, reject) => replies.set(id, { resolve, reject }));
      };
    const logAt =
      (level: string) =>
      (message: unknown, fields?: unknown): void =>
        send({
          type: 'log',
          run,
          level,
          message: String(message),
          ...(fields !== undefined && { fields }),
        });
    // `context.log(…)` logs at info, `context.log.warn(…)` … at their level, as outside a UDF.
    const log = Object.assign(logAt('info'), {
      debug: logAt('debug'),
      info: logAt('info'),
      warn: logAt('warn'),
      error: logAt('error'),
    });
    return {
      ...info,
      signal: new AbortController().signal,
      log,
      putBlob: call('putBlob'),
      getBlob: call('getBlob'),
      evaluateFlow: call('evaluateFlow'),
      getMetadata: call('getMetadata'),
      submitBatch: call('submitBatch'),
      getBatch: call('getBatch'),
      evaluateBatch: call('evaluateBatch'),
    };
  };

  const run = async (message: Extract<ToUdfWorker, { type: 'run' }>): Promise<void> => {
    currentRun = message.run;
    let outcome: FromUdfWorker;
    try {
      const fn = compile(message.key, message.source, message.filename);
      const context = contextFor(message.run, message.info);
      let value = fn(message.input, context);
      if (typeof value === 'function') value = (value as typeof fn)(message.input, context);
      value = await value;
      // The output goes on the wire as JSON anyway; a value JSON cannot hold fails here, clearly.
      outcome = { type: 'done', run: message.run, ok: true, json: JSON.stringify(value) };
    } catch (error) {
      outcome = { type: 'done', run: message.run, ok: false, error: toErrorData(error) };
    }
    // Answering from a new macrotask proves the microtask queue drained: a UDF that left a
    // `.then` loop behind never answers and is stopped by its time limit.
    setImmediate(() => send(outcome));
  };

  port.on('message', (message: ToUdfWorker) => {
    if (message.type === 'run') {
      void run(message);
      return;
    }
    const waiter = replies.get(message.call);
    if (waiter === undefined) return;
    replies.delete(message.call);
    if (message.ok) {
      waiter.resolve(message.value);
      return;
    }
    const error = Object.assign(new Error(message.error.message), message.error.props);
    error.name = message.error.name;
    if (message.error.ref !== undefined) remoteErrors.set(error, message.error.ref);
    waiter.reject(error);
  });
  send({ type: 'ready', run: 0 });
}
