import { Command } from 'commander';
import type { OpenQuestion } from '@stepflow/runtime';
import type { CliContext } from '../../internal/cli-context.ts';
import { createCliRuntime } from '../../internal/create-cli-runtime.ts';
import { promptText } from '../../internal/open-questions-text.ts';
import {
  formatOption,
  formatRunsData,
  table,
  timeText,
  type RunsOutputFormat,
} from './runs-output-format.ts';
import { withRunsStore, withStoreOptions, type RunsStoreOptions } from './runs-store-options.ts';

interface QuestionsOptions extends RunsStoreOptions {
  readonly format: RunsOutputFormat;
}

/** `stepflow runs questions [run-id]`: the open questions of paused runs. */
export function listQuestionsCommand(context: () => CliContext): Command {
  return withStoreOptions(
    new Command('questions')
      .description(
        'List the open questions (ask_human steps waiting for an answer), of one run or of all',
      )
      .argument('[run-id]', 'only the questions of this run and the runs nested in it')
      .addOption(formatOption()),
  ).action(async (runId: string | undefined, options: QuestionsOptions) => {
    const ctx = context();
    await withRunsStore(options, ctx, async (opened) => {
      const runtime = await createCliRuntime(opened.config, ctx.logger, opened.store);
      try {
        const questions = await runtime.questions(runId === undefined ? {} : { runId });
        ctx.io.writeOut(
          options.format === 'pretty'
            ? prettyQuestions(questions)
            : formatRunsData(questions, options.format),
        );
      } finally {
        await runtime.close();
      }
    });
  });
}

function prettyQuestions(questions: readonly OpenQuestion[]): string {
  if (questions.length === 0) return 'no open questions\n';
  return table([
    ['RUN', 'STEP', 'ASKED', 'EXPIRES', 'PROMPT'],
    ...questions.map((q) => [
      q.runId,
      q.stepId,
      timeText(q.askedAt),
      timeText(q.expiresAt),
      promptText(q.prompt).slice(0, 200),
    ]),
  ]);
}
