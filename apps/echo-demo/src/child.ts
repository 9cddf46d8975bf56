// The child side of the echo demo: a JSON-RPC server on stdin/stdout. Logs go to stderr only.
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { createStdioServerTransport } from '@stepflow/transport-stdio';
import type { ChildMethods, RuntimeMethods } from './echo-methods.ts';

const peer = createJsonRpcPeer<RuntimeMethods, ChildMethods>(createStdioServerTransport(), {
  onError: (error) => process.stderr.write(`child error: ${error.message}\n`),
});

peer.handleRequest('echo', (params) => params);
peer.handleRequest('reverse', (text) => [...text].reverse().join(''));
peer.handleRequest('greet', async ({ name }, ctx) => {
  process.stderr.write(`child: asking the runtime for ${name}'s title\n`);
  // A callback into the runtime while the runtime's `greet` request is still pending.
  const { title } = await ctx.request('lookupTitle', { name });
  return `Hello, ${title} ${name}!`;
});

await peer.start();
// The runtime closing our stdin (or ending us) is the signal to go.
await peer.closed;
process.exit(0);
