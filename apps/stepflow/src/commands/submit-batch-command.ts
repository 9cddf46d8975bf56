import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError, ExitCode } from '../internal/cli-error.ts';
import { describeFsError } from '../internal/data-file.ts';
import { createServiceClient } from '../internal/service-client.ts';
import { storeFlow } from './submit-command.ts';

interface SubmitBatchOptions {
  readonly url: string;
  readonly flow: string;
  readonly inputs: string;
  readonly token?: string;
  readonly maxConcurrency?: string;
  readonly output?: string;
}

/** How often the batch's progress is asked for. */
const POLL_MS = 200;

/** The inputs of a JSON Lines file, one per non-blank line; errors name the line. */
async function readJsonLines(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`--inputs ${path}: cannot read: ${describeFsError(error)}`);
  }
  const inputs: unknown[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      inputs.push(JSON.parse(line));
    } catch (error) {
      throw new CliError(`--inputs ${path}:${index + 1}: not JSON: ${(error as Error).message}`);
    }
  });
  return inputs;
}

/** `stepflow submit-batch`: runs a flow once per input line on a service; results as JSONL. */
export function submitBatchCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('submit-batch')
    .description('Run a flow once per line of a JSONL file on a stepflow service; results as JSONL')
    .requiredOption('--url <url>', 'the service, e.g. http://127.0.0.1:7837')
    .requiredOption('-f, --flow <file>', 'flow file (.yaml, .yml or .json)')
    .requiredOption('--inputs <file>', 'one JSON input per line')
    .option('--max-concurrency <n>', 'runs executing at once')
    .option('-o, --output <file>', 'write the results (one FlowResult per line) here, not stdout')
    .option('--token <token>', 'bearer token (default $STEPFLOW_TOKEN)')
    .action(async (options: SubmitBatchOptions) => {
      const { io } = context();
      const maxConcurrency =
        options.maxConcurrency === undefined ? undefined : Number(options.maxConcurrency);
      if (maxConcurrency !== undefined && (!Number.isInteger(maxConcurrency) || maxConcurrency < 1))
        throw new CliError(
          `--max-concurrency ${options.maxConcurrency}: expected a positive integer`,
        );
      const inputs = await readJsonLines(options.inputs);
      const client = createServiceClient(
        options.url,
        options.token ?? (io.env.STEPFLOW_TOKEN || undefined),
      );
      const flowId = await storeFlow(client, options.flow);
      const { batchId } = await client.post<{ batchId: string }>('batches', {
        flowId,
        inputs,
        ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
      });
      // Polls rather than streams: a batch is long and its progress is one small document.
      while ((await client.get<{ status: string }>(`batches/${batchId}`)).status === 'running')
        await delay(POLL_MS);
      const { outputs } = await client.get<{ outputs: { status: string; result: unknown }[] }>(
        `batches/${batchId}/outputs`,
      );
      const text = outputs.map((output) => `${JSON.stringify(output.result)}\n`).join('');
      if (options.output === undefined) io.writeOut(text);
      else await writeFile(options.output, text);
      const failed = outputs.filter((output) => output.status !== 'completed').length;
      if (failed > 0)
        io.writeErr(`stepflow: ${failed} of ${outputs.length} runs did not complete\n`);
      setExitCode(failed > 0 ? ExitCode.failed : ExitCode.success);
    });
}
