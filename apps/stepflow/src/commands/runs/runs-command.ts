import { Command } from 'commander';
import type { CliContext } from '../../internal/cli-context.ts';
import type { ExitCode } from '../../internal/cli-error.ts';
import { answerQuestionCommand } from './answer-question-command.ts';
import { cancelRunCommand } from './cancel-run-command.ts';
import { listQuestionsCommand } from './list-questions-command.ts';
import { listRunsCommand } from './list-runs-command.ts';
import { resumeRunsCommand } from './resume-runs-command.ts';
import { runEventsCommand } from './run-events-command.ts';
import { showRunCommand } from './show-run-command.ts';

/** `stepflow runs …`: inspect, resume and cancel the runs in a durable state store. */
export function runsCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('runs')
    .description('List, inspect, resume and cancel the runs in a durable state store')
    .addCommand(listRunsCommand(context))
    .addCommand(showRunCommand(context))
    .addCommand(runEventsCommand(context))
    .addCommand(resumeRunsCommand(context, setExitCode))
    .addCommand(cancelRunCommand(context))
    .addCommand(listQuestionsCommand(context))
    .addCommand(answerQuestionCommand(context, setExitCode));
}
