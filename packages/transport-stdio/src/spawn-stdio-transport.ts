import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type {
  JsonRpcMessage,
  Transport,
  TransportCloseInfo,
  TransportSendOptions,
} from '@stepflow/jsonrpc';
import { ChildProcessExitedError } from './child-process-exited-error.ts';
import { ChildProcessSpawnError } from './child-process-spawn-error.ts';
import { trackChild } from './internal/child-reaper.ts';
import type { FramingOptions } from './framing-options.ts';
import { FramedStream } from './internal/framed-stream.ts';
import { LineDecoder } from './internal/line-decoder.ts';
import { LineTail } from './internal/line-tail.ts';

/** Options of {@link spawnStdioTransport}. */
export interface SpawnStdioTransportOptions extends FramingOptions {
  /** The executable; run directly, never through a shell. */
  readonly command: string;
  readonly args?: readonly string[];
  /** The child's complete environment; default: this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The child's working directory; default: this process's. */
  readonly cwd?: string;
  /**
   * Receives each line the child writes to stderr. Default: copied to this process's stderr,
   * prefixed with the command. Stderr is always read, so a chatty child never stalls.
   */
  readonly stderrLines?: (line: string) => void;
  /** How long `close()` waits after SIGTERM before SIGKILL. Default 2000 ms. */
  readonly killGraceMs?: number;
  /** How many last stderr lines the exit error carries. Default 20. */
  readonly stderrTailLines?: number;
  /**
   * How often the child's state is checked (Linux, through `/proc`), in milliseconds; a child
   * found stopped (SIGSTOP, SIGTSTP) twice in a row can answer nothing and is killed, so the
   * transport closes. Default 1000; 0 turns the check off.
   */
  readonly livenessIntervalMs?: number;
}

/** A stdio transport to a child process. */
export interface StdioChildTransport extends Transport {
  /** The child's process id once started (`undefined` before `start()` or if spawning failed). */
  readonly pid: number | undefined;
}

/** Longest stderr line kept whole; longer ones are cut. */
const MAX_STDERR_LINE_BYTES = 64 * 1024;
/** How long to wait, after the child exited, for its stdout to drain before closing anyway. */
const STDOUT_DRAIN_AFTER_EXIT_MS = 1000;
/** How long a child whose stdout ended may take to exit before it is killed. */
const EXIT_AFTER_STDOUT_END_MS = 1000;
/** How long stderr may trail the exit and the end of stdout before the transport closes anyway. */
const STDERR_DRAIN_MS = 1000;

/**
 * Creates the runtime side of a stdio connection: `start()` spawns `command` (no shell) and talks
 * newline-delimited JSON over its stdin/stdout.
 *
 * - The child's stderr is read line by line into `stderrLines`; the last lines are kept.
 * - If the child exits on its own, the transport closes with a `ChildProcessExitedError` (exit
 *   code or signal, last stderr lines) after delivering everything it wrote.
 * - A child that can no longer answer is killed, so the transport closes (and pending requests
 *   fail) instead of waiting forever: one that closed its stdout but does not exit, or (Linux)
 *   one found stopped by SIGSTOP/SIGTSTP. The exit error says why.
 * - `close()` ends stdin, sends SIGTERM, then SIGKILL after `killGraceMs`, and resolves once the
 *   child is gone. Children still running when this process exits are killed.
 *
 * @example
 * const transport = spawnStdioTransport({ command: process.execPath, args: ['server.js'] });
 * const peer = createJsonRpcPeer(transport);
 * await peer.start();
 */
export function spawnStdioTransport(options: SpawnStdioTransportOptions): StdioChildTransport {
  return new ChildTransport(options);
}

type State = 'idle' | 'starting' | 'running' | 'closing' | 'closed';

class ChildTransport implements StdioChildTransport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: Error) => void;
  onclose?: (info: TransportCloseInfo) => void;
  readonly #options: SpawnStdioTransportOptions;
  readonly #commandLine: string;
  readonly #stderrTail: LineTail;
  #state: State = 'idle';
  #child: ChildProcess | undefined;
  #framed: FramedStream | undefined;
  #untrack: (() => void) | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #closedByUs = false;
  #killTimer: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #livenessTimer: NodeJS.Timeout | undefined;
  #eofTimer: NodeJS.Timeout | undefined;
  #stderrDrainTimer: NodeJS.Timeout | undefined;
  /** Consecutive liveness checks that found the child stopped. */
  #stoppedChecks = 0;
  #killedBecause: string | undefined;
  #resolveFinished!: () => void;
  readonly #finished = new Promise<void>((resolve) => {
    this.#resolveFinished = resolve;
  });

  constructor(options: SpawnStdioTransportOptions) {
    this.#options = options;
    this.#commandLine = [options.command, ...(options.args ?? [])].join(' ');
    this.#stderrTail = new LineTail(options.stderrTailLines ?? 20);
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): Promise<void> {
    if (this.#state !== 'idle') {
      return Promise.reject(new Error(`Stdio transport to "${this.#commandLine}" already started`));
    }
    this.#state = 'starting';
    const { command, args = [], env, cwd } = this.#options;
    return new Promise<void>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(command, args, {
          cwd,
          env: env === undefined ? process.env : { ...env },
          stdio: ['pipe', 'pipe', 'pipe'],
          shell: false,
          windowsHide: true,
        });
      } catch (error) {
        // Synchronous spawn failures (e.g. invalid arguments).
        const failure = new ChildProcessSpawnError(this.#commandLine, cwd, error);
        this.#finish({ error: failure });
        reject(failure);
        return;
      }
      this.#child = child;
      this.#readStderr(child);
      const framed = new FramedStream(child.stdout!, child.stdin!, this.#options);
      this.#framed = framed;

      child.once('spawn', () => {
        this.#untrack = trackChild(child);
        if (this.#state === 'starting') this.#state = 'running';
        framed.start({
          onMessage: (message) => this.onmessage?.(message),
          onError: (error) => this.onerror?.(error),
          onEnd: () => this.#stdoutEnded(),
        });
        this.#watchLiveness(child);
        resolve();
      });
      child.on('error', (error) => {
        if (this.#state === 'starting' && child.pid === undefined) {
          const failure = new ChildProcessSpawnError(this.#commandLine, cwd, error);
          this.#finish({ error: failure });
          reject(failure);
          return;
        }
        // A failed kill() or similar: worth telling, not fatal on its own.
        this.onerror?.(error);
      });
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        this.#untrack?.();
        // Deliver what the child wrote before dying, but do not wait forever for a pipe a
        // grandchild may still hold open.
        this.#drainTimer = setTimeout(() => this.#finishAfterExit(), STDOUT_DRAIN_AFTER_EXIT_MS);
        this.#maybeFinish();
      });
      child.once('close', () => this.#finishAfterExit());
    });
  }

  send(message: JsonRpcMessage, _options?: TransportSendOptions): Promise<void> {
    if (this.#state !== 'running' || this.#framed === undefined) {
      return Promise.reject(
        new Error(
          this.#state === 'idle' || this.#state === 'starting'
            ? `Stdio transport to "${this.#commandLine}" is not started`
            : `Stdio transport to "${this.#commandLine}" is closed`,
        ),
      );
    }
    return this.#framed.send(message);
  }

  async close(): Promise<void> {
    const child = this.#child;
    if (this.#state === 'idle' || child === undefined) {
      this.#finish({});
      return;
    }
    if (this.#state === 'closed') return;
    if (this.#state !== 'closing') {
      this.#state = 'closing';
      this.#closedByUs = true;
      if (this.#exit === undefined) {
        this.#framed?.flush();
        child.stdin?.end();
        child.kill('SIGTERM');
        this.#killTimer = setTimeout(() => {
          if (this.#exit === undefined) child.kill('SIGKILL');
        }, this.#options.killGraceMs ?? 2000);
      }
    }
    await this.#finished;
  }

  #readStderr(child: ChildProcess): void {
    const sink =
      this.#options.stderrLines ??
      ((line: string) => {
        process.stderr.write(`[${this.#options.command}] ${line}\n`);
      });
    const decoder = new LineDecoder(MAX_STDERR_LINE_BYTES, {
      onLine: (line) => {
        this.#stderrTail.push(line);
        try {
          sink(line);
        } catch (error) {
          this.onerror?.(
            new Error(`stderrLines callback failed: ${String(error)}`, { cause: error }),
          );
        }
      },
      onOversized: (head) => {
        const line = `${head.slice(0, 120)}… [stderr line longer than ${MAX_STDERR_LINE_BYTES} bytes, cut]`;
        this.#stderrTail.push(line);
        sink(line);
      },
    });
    const stderr = child.stderr!;
    stderr.on('data', (chunk: Buffer) => decoder.push(chunk));
    stderr.on('end', () => decoder.end());
    stderr.on('error', () => {
      // The process's exit reports what matters.
    });
  }

  /**
   * Stdout ended: usually the child is exiting. One that stays alive can never answer again:
   * it gets a moment to exit on its own, then is ended.
   */
  #stdoutEnded(): void {
    this.#maybeFinish();
    if (this.#exit !== undefined || this.#state !== 'running') return;
    this.#eofTimer = setTimeout(() => {
      if (this.#exit === undefined && this.#state === 'running') {
        this.#kill('it closed its stdout', 'SIGTERM');
      }
    }, EXIT_AFTER_STDOUT_END_MS);
  }

  /** Checks the child's state in `/proc` now and then (Linux only): a stopped child is ended. */
  #watchLiveness(child: ChildProcess): void {
    const interval = this.#options.livenessIntervalMs ?? 1000;
    const pid = child.pid;
    if (interval <= 0 || pid === undefined || process.platform !== 'linux') return;
    this.#livenessTimer = setInterval(() => {
      if (this.#exit !== undefined || this.#state !== 'running') return;
      const state = processState(pid);
      this.#stoppedChecks = state === 'T' ? this.#stoppedChecks + 1 : 0;
      // Twice in a row: a terminal's Ctrl-Z stops and continues us together with the child.
      if (this.#stoppedChecks >= 2) this.#kill('it was stopped and could not answer', 'SIGKILL');
    }, interval);
    this.#livenessTimer.unref();
  }

  /** Ends a child that cannot answer any more; its exit then closes the transport. */
  #kill(because: string, signal: NodeJS.Signals): void {
    const child = this.#child;
    if (child === undefined || this.#killedBecause !== undefined) return;
    this.#killedBecause = because;
    child.stdin?.end();
    child.kill(signal);
    if (signal !== 'SIGKILL') {
      this.#killTimer = setTimeout(() => {
        if (this.#exit === undefined) child.kill('SIGKILL');
      }, this.#options.killGraceMs ?? 2000);
    }
  }

  /**
   * Closes once the exit is known and stdout has ended, after the rest of stderr: it is a separate
   * pipe, so what the child wrote there before exiting can trail its stdout. A grandchild that
   * keeps the stderr pipe open gets `STDERR_DRAIN_MS`, not forever.
   */
  #maybeFinish(): void {
    if (this.#exit === undefined || this.#child?.stdout?.readableEnded !== true) return;
    const stderr = this.#child.stderr;
    if (stderr === null || stderr.readableEnded || stderr.destroyed) {
      this.#finishAfterExit();
      return;
    }
    if (this.#stderrDrainTimer !== undefined) return;
    const finish = (): void => this.#finishAfterExit();
    this.#stderrDrainTimer = setTimeout(finish, STDERR_DRAIN_MS);
    this.#stderrDrainTimer.unref();
    // Registered after the line decoder's own 'end' listener, so its last line is delivered first.
    stderr.once('end', finish);
  }

  #finishAfterExit(): void {
    const exit = this.#exit;
    if (exit === undefined) return; // 'close' before 'exit' does not happen; be safe anyway.
    if (this.#closedByUs) {
      this.#finish({});
      return;
    }
    this.#finish({
      error: new ChildProcessExitedError({
        commandLine: this.#commandLine,
        pid: this.#child?.pid,
        exitCode: exit.code,
        signal: exit.signal,
        stderrTail: this.#stderrTail.lines(),
        ...(this.#killedBecause === undefined ? {} : { killedBecause: this.#killedBecause }),
      }),
    });
  }

  #finish(info: TransportCloseInfo): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#killTimer !== undefined) clearTimeout(this.#killTimer);
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    if (this.#livenessTimer !== undefined) clearInterval(this.#livenessTimer);
    if (this.#eofTimer !== undefined) clearTimeout(this.#eofTimer);
    if (this.#stderrDrainTimer !== undefined) clearTimeout(this.#stderrDrainTimer);
    this.#framed?.stop();
    const child = this.#child;
    if (child !== undefined) {
      // A grandchild may hold the pipes open: stop holding them ourselves.
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdin?.destroy();
    }
    this.#resolveFinished();
    this.onclose?.(info);
  }
}

/** The state letter of a process from `/proc/<pid>/stat` (`R`, `S`, `T`, …), if readable. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2];
  } catch {
    return undefined;
  }
}
