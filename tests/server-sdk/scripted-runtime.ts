import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMemoryBlobStore } from '@stepflow/blob-store';
import { createJsonRpcPeer, JsonRpcError, type JsonRpcPeer } from '@stepflow/jsonrpc';
import { spawnStdioTransport, type StdioChildTransport } from '@stepflow/transport-stdio';

/** The built sample server (`turbo run build --filter=@stepflow/sample-server`). */
export const SAMPLE_SERVER_MAIN = fileURLToPath(
  new URL('../../apps/sample-server/dist/main.js', import.meta.url),
);

/** One callback the server made. */
export interface Call {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/** A runtime-side peer, scripted: answers every server→runtime method from memory. */
export interface ScriptedRuntime {
  readonly peer: JsonRpcPeer;
  readonly transport: StdioChildTransport;
  readonly calls: Call[];
  readonly stderr: string[];
  execute(
    component: string,
    input: unknown,
    observability?: Record<string, unknown>,
  ): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Spawns `script` (the sample server by default) with node and connects a scripted runtime to it.
 * `flows/evaluate` doubles `input.x` (fails for negative x, skips for 0).
 */
export async function startScriptedRuntime(
  script = SAMPLE_SERVER_MAIN,
  args: string[] = [],
): Promise<ScriptedRuntime> {
  if (!existsSync(script)) {
    throw new Error(
      `${script} is missing: run \`turbo run build --filter=@stepflow/sample-server\` first`,
    );
  }
  const stderr: string[] = [];
  const transport = spawnStdioTransport({
    command: process.execPath,
    args: [script, ...args],
    stderrLines: (line) => stderr.push(line),
  });
  const peer = createJsonRpcPeer(transport, { onError: () => {} });
  const blobs = createMemoryBlobStore();
  const calls: Call[] = [];
  const batches = new Map<string, unknown[]>();
  const record = (method: string, params: unknown) => {
    const value = params as Record<string, unknown>;
    calls.push({ method, params: value });
    return value;
  };
  const evaluate = (input: unknown) => {
    const x = (input as { x?: number } | null)?.x ?? 0;
    if (x < 0)
      return { outcome: 'failed', error: { code: 17, message: `negative x: ${x}`, data: { x } } };
    if (x === 0) return { outcome: 'skipped', reason: 'x is zero' };
    return { outcome: 'success', result: x * 2 };
  };
  const flowBlob = async (flowId: unknown) => {
    const blob = typeof flowId === 'string' ? await blobs.get(flowId) : undefined;
    if (!blob) throw new JsonRpcError(-32011, `Not found: flow with ID '${String(flowId)}'`);
    return blob.data as { metadata?: unknown; steps?: Array<{ id: string; metadata?: unknown }> };
  };

  peer.handleRequest('blobs/put', async (raw) => {
    const params = record('blobs/put', raw);
    return { blob_id: await blobs.put(params.data, params.blob_type as 'data' | 'flow') };
  });
  peer.handleRequest('blobs/get', async (raw) => {
    const params = record('blobs/get', raw);
    const blob = await blobs.get(String(params.blob_id));
    if (!blob) throw new JsonRpcError(-32000, 'Failed to get blob');
    return { data: blob.data, blob_type: blob.blobType };
  });
  peer.handleRequest('flows/evaluate', async (raw) => {
    const params = record('flows/evaluate', raw);
    await flowBlob(params.flow_id);
    return { result: evaluate(params.input) };
  });
  peer.handleRequest('flows/get_metadata', async (raw) => {
    const params = record('flows/get_metadata', raw);
    const flow = await flowBlob(params.flow_id);
    const step = flow.steps?.find((candidate) => candidate.id === params.step_id);
    return {
      flow_metadata: flow.metadata ?? {},
      ...(params.step_id !== undefined && { step_metadata: step?.metadata ?? {} }),
    };
  });
  peer.handleRequest('flows/submit_batch', async (raw) => {
    const params = record('flows/submit_batch', raw);
    await flowBlob(params.flow_id);
    const batchId = crypto.randomUUID();
    batches.set(batchId, params.inputs as unknown[]);
    return { batch_id: batchId, total_runs: (params.inputs as unknown[]).length };
  });
  peer.handleRequest('flows/get_batch', async (raw) => {
    const params = record('flows/get_batch', raw);
    const inputs = batches.get(String(params.batch_id)) ?? [];
    const results = inputs.map((input) => evaluate(input));
    return {
      details: {
        batch_id: params.batch_id,
        flow_id: 'f',
        total_runs: inputs.length,
        status: 'running',
        created_at: new Date(0).toISOString(),
        completed_runs: results.filter((r) => r.outcome === 'success').length,
        running_runs: 0,
        failed_runs: results.filter((r) => r.outcome !== 'success').length,
        cancelled_runs: 0,
        paused_runs: 0,
      },
      ...(params.include_results === true && {
        outputs: results.map((result, index) =>
          result.outcome === 'success'
            ? { batch_input_index: index, status: 'completed', result }
            : { batch_input_index: index, status: 'failed' },
        ),
      }),
    };
  });

  await peer.start();
  return {
    peer,
    transport,
    calls,
    stderr,
    async execute(
      component,
      input,
      observability = { run_id: 'run-1', flow_id: 'flow-1', step_id: 'step-1' },
    ) {
      const { output } = (await peer.request('components/execute', {
        component,
        input,
        attempt: 1,
        observability,
      })) as {
        output: unknown;
      };
      return output;
    },
    close: () => peer.close(),
  };
}

/** Whether a process with this pid is still alive. */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
