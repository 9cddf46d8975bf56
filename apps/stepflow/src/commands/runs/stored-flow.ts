import type { Flow } from '@stepflow/protocol';
import { flowFromDocument } from '@stepflow/runtime';
import type { RunRecord } from '@stepflow/state-store';
import { CliError, ExitCode } from '../../internal/cli-error.ts';
import type { RunsStore } from './runs-store-options.ts';

/** The flow a run was started with, from the store's flow blob. */
export async function loadStoredFlow(opened: RunsStore, run: RunRecord): Promise<Flow> {
  const blob = await opened.store.get(run.flowId);
  if (blob === undefined || blob.blobType !== 'flow') {
    throw new CliError(
      `run ${run.id}: its flow ${run.flowId} is missing from ${opened.name}`,
      ExitCode.failed,
    );
  }
  return flowFromDocument(blob.data).flow;
}
