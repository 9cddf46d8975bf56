// The hand-written baseline client of the stdio benches: newline-JSON over a child's pipes, no
// library, so that the rows compare only what the library (or the child) adds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** A child spoken to with bare newline-delimited JSON-RPC requests. */
export interface RawNewlineClient {
  /** The child's pid, for its CPU time. */
  readonly pid: number | undefined;
  /** Sends one request and resolves with its result. */
  request(method: string, params: unknown): Promise<unknown>;
  /** Ends the child's stdin and waits for it to exit. */
  close(): Promise<void>;
}

/** Spawns `node <script>` and returns a bare client for it. */
export async function spawnRawNewlineClient(script: string): Promise<RawNewlineClient> {
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(child, 'spawn');
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const response = JSON.parse(line) as {
        id: number;
        result: unknown;
        error?: { message: string };
      };
      if (response.error) throw new Error(`${script}: ${response.error.message}`);
      const resolve = pending.get(response.id);
      pending.delete(response.id);
      resolve?.(response.result);
    }
  });
  return {
    pid: child.pid,
    request(method, params) {
      const id = nextId++;
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      return new Promise((resolve) => pending.set(id, resolve));
    },
    async close() {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}
