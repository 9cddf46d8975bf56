import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import type { ChildMethods, RuntimeMethods } from './echo-methods.ts';
import { formatEntry, withTranscript } from './transcript-transport.ts';

/** Options of {@link runEchoDemo}. */
export interface EchoDemoOptions {
  /** The built child script to spawn (`dist/child.js`). */
  readonly childScript: string;
  /** Receives each line of the transcript. */
  readonly print: (line: string) => void;
}

/**
 * Runs the echo demo: spawns the child over stdio, sends a few requests (one of which makes the
 * child call back into this process), prints every wire message, and closes the child.
 */
export async function runEchoDemo({ childScript, print }: EchoDemoOptions): Promise<void> {
  const stdio = spawnStdioTransport({
    command: process.execPath,
    args: [childScript],
    stderrLines: (line) => print(`                 child stderr: ${line}`),
  });
  const peer = createJsonRpcPeer<ChildMethods, RuntimeMethods>(
    withTranscript(stdio, (entry) => print(formatEntry(entry))),
  );
  peer.handleRequest('lookupTitle', ({ name }) => ({
    title: name === 'Ada' ? 'Countess' : 'Citizen',
  }));

  print('Stepflow echo demo: one JSON-RPC 2.0 connection over stdio, requests in both directions.');
  await peer.start();
  print(`spawned child process ${String(stdio.pid)}: node ${childScript}`);
  print('');

  const echoed = await peer.request('echo', { message: 'hello, stepflow' });
  const reversed = await peer.request('reverse', 'stepflow');
  const greeting = await peer.request('greet', { name: 'Ada' }, { timeoutMs: 10_000 });

  await peer.close();
  print('');
  print(`echo    → ${JSON.stringify(echoed)}`);
  print(`reverse → ${JSON.stringify(reversed)}`);
  print(`greet   → ${JSON.stringify(greeting)} (the child called back once to look up the title)`);
  print('closed: the child process was ended by the runtime side');
}
