import type { FlowResult } from '@stepflow/protocol';
import { Command, Option } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError, ExitCode } from '../internal/cli-error.ts';
import { formatData } from '../internal/json-text.ts';
import { loadFlowOrExit } from '../internal/load-inputs.ts';
import { readInput } from '../internal/read-input.ts';
import type { ServiceClient } from '../internal/service-client.ts';
import { createServiceClient } from '../internal/service-client.ts';

interface SubmitOptions {
  readonly url: string;
  readonly flow: string;
  readonly token?: string;
  readonly input?: string;
  readonly inputJson?: string;
  readonly inputYaml?: string;
  readonly stdinFormat?: string;
}

/** Stores a flow in the service: its id, or a usage error listing the diagnostics. */
export async function storeFlow(client: ServiceClient, flowPath: string): Promise<string> {
  const loaded = await loadFlowOrExit(flowPath);
  const stored = await client.post<{
    flowId?: string;
    diagnostics: { diagnostics: { level: string; message: string }[] };
  }>('flows', { flow: loaded.flow });
  if (stored.flowId === undefined) {
    const lines = stored.diagnostics.diagnostics
      .filter((d) => d.level !== 'warning')
      .map((d) => `${d.level}: ${d.message}`);
    throw new CliError(`${flowPath}: the flow is invalid; nothing was run\n${lines.join('\n')}`);
  }
  return stored.flowId;
}

/** `stepflow submit`: runs a flow on a `stepflow serve` service and writes its FlowResult. */
export function submitCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('submit')
    .description('Run a flow on a stepflow service and write its FlowResult JSON to stdout')
    .requiredOption('--url <url>', 'the service, e.g. http://127.0.0.1:7837')
    .requiredOption('-f, --flow <file>', 'flow file (.yaml, .yml or .json)')
    .option('--token <token>', 'bearer token (default $STEPFLOW_TOKEN)')
    .option('-i, --input <file>', 'read the input from a .json, .yaml or .yml file')
    .option('--input-json <json>', 'the input as a JSON string')
    .option('--input-yaml <yaml>', 'the input as a YAML string')
    .addOption(
      new Option('--stdin-format <format>', 'format of the input read from stdin')
        .choices(['json', 'yaml'])
        .default('json'),
    )
    .action(async (options: SubmitOptions) => {
      const { io } = context();
      const client = createServiceClient(
        options.url,
        options.token ?? (io.env.STEPFLOW_TOKEN || undefined),
      );
      const flowId = await storeFlow(client, options.flow);
      const input = await readInput(options, io.stdin);
      const answer = await client.post<{ result: FlowResult }>('runs', { flowId, input });
      io.writeOut(formatData(answer.result, 'json'));
      setExitCode(answer.result.outcome === 'failed' ? ExitCode.failed : ExitCode.success);
    });
}
