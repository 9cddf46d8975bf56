import { Command } from 'commander';
import { AnswerError } from '@stepflow/runtime';
import type { CliContext } from '../../internal/cli-context.ts';
import { CliError, ExitCode } from '../../internal/cli-error.ts';
import { createCliRuntime } from '../../internal/create-cli-runtime.ts';
import { formatData } from '../../internal/json-text.ts';
import { localUserName } from '../../internal/local-user.ts';
import { readInput } from '../../internal/read-input.ts';
import { resumeAll } from './resume-runs-command.ts';
import {
  requireRun,
  withRunsStore,
  withStoreOptions,
  type RunsStore,
  type RunsStoreOptions,
} from './runs-store-options.ts';

interface AnswerOptions extends RunsStoreOptions {
  readonly answerJson?: string;
  readonly answerYaml?: string;
  readonly answerFile?: string;
  readonly by?: string;
  readonly resume: boolean;
}

/** `stepflow runs answer <run-id> <step-id>`: answers an open question of a paused run. */
export function answerQuestionCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return withStoreOptions(
    new Command('answer')
      .description(
        "Answer the open question of a paused run's ask_human step (checked against its schema); --resume goes on with the run",
      )
      .argument('<run-id>', 'the run that asks (as `runs questions` lists it)')
      .argument('<step-id>', 'the ask_human step')
      .option('--answer-json <json>', 'the answer as a JSON string')
      .option('--answer-yaml <yaml>', 'the answer as a YAML string')
      .option('--answer-file <file>', 'read the answer from a .json, .yaml or .yml file')
      .option('--by <name>', 'who answers, for the journal (default: the local user)')
      .option('--resume', 'resume the run with the answer and wait for it', false),
  ).action(async (runId: string, stepId: string, options: AnswerOptions) => {
    const ctx = context();
    const given = [options.answerJson, options.answerYaml, options.answerFile].filter(
      (value) => value !== undefined,
    );
    if (given.length !== 1)
      throw new CliError('give exactly one of --answer-json, --answer-yaml and --answer-file');
    const answer = await readInput(
      {
        ...(options.answerJson === undefined ? {} : { inputJson: options.answerJson }),
        ...(options.answerYaml === undefined ? {} : { inputYaml: options.answerYaml }),
        ...(options.answerFile === undefined ? {} : { input: options.answerFile }),
      },
      ctx.io.stdin,
    ).catch((error: unknown) => {
      // The input reader names its own flags: say which answer flag it was.
      if (error instanceof CliError)
        throw new CliError(error.message.replaceAll('--input', '--answer'), error.exitCode);
      throw error;
    });
    await withRunsStore(options, ctx, async (opened) => {
      await requireRun(opened, runId);
      const runtime = await createCliRuntime(opened.config, ctx.logger, opened.store);
      try {
        const receipt = await runtime.answer(runId, stepId, answer, {
          by: options.by ?? localUserName(ctx.io.env),
        });
        // With --resume, stdout is the run's result.
        if (options.resume)
          ctx.io.writeErr(`run ${runId} step ${stepId}: answered by ${receipt.by ?? '-'}\n`);
        else ctx.io.writeOut(formatData(receipt, 'json'));
      } catch (error) {
        if (!AnswerError.isInstance(error)) throw error;
        const lines = error.violations.map((v) => `  - ${v.path || '(answer)'}: ${v.message}\n`);
        if (lines.length > 0) ctx.io.writeErr(lines.join(''));
        throw new CliError(
          error.message,
          error.code === 'invalid-answer' || error.code === 'no-question'
            ? ExitCode.usage
            : ExitCode.failed,
          { cause: error },
        );
      } finally {
        await runtime.close();
      }
      if (!options.resume) {
        ctx.io.writeErr(`resume it with: stepflow runs resume ${await rootOf(opened, runId)}\n`);
        return;
      }
      const root = await requireRun(opened, await rootOf(opened, runId));
      setExitCode(await resumeAll(opened, [root], ctx, false));
    });
  });
}

/** The top-level run a (possibly nested) run belongs to. */
async function rootOf(opened: RunsStore, runId: string): Promise<string> {
  let current = runId;
  for (let depth = 0; depth < 64; depth++) {
    const parent = (await opened.store.getRun(current))?.parentRunId;
    if (parent === undefined) return current;
    current = parent;
  }
  return current;
}
