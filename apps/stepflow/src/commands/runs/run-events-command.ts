import { Command, Option } from 'commander';
import type { JournalEntry } from '@stepflow/state-store';
import type { CliContext } from '../../internal/cli-context.ts';
import {
  requireRun,
  withRunsStore,
  withStoreOptions,
  type RunsStoreOptions,
} from './runs-store-options.ts';
import { table, timeText } from './runs-output-format.ts';

interface EventsOptions extends RunsStoreOptions {
  readonly format: 'jsonl' | 'pretty';
}

/** `stepflow runs events <id>`: a run's journal, as recorded. */
export function runEventsCommand(context: () => CliContext): Command {
  return withStoreOptions(
    new Command('events')
      .description("Print a run's journal: one JSON line per event, or a table")
      .argument('<run-id>', 'the run')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['jsonl', 'pretty'])
          .default('jsonl'),
      ),
  ).action(async (runId: string, options: EventsOptions) => {
    const { io } = context();
    await withRunsStore(options, context(), async (opened) => {
      await requireRun(opened, runId);
      const entries = await opened.store.readEvents(runId);
      io.writeOut(
        options.format === 'pretty'
          ? prettyEvents(entries)
          : entries
              .map((entry) => `${JSON.stringify({ seq: entry.seq, ...entry.event })}\n`)
              .join(''),
      );
    });
  });
}

function prettyEvents(entries: readonly JournalEntry[]): string {
  return table([
    ['SEQ', 'AT', 'EVENT', 'STEP', 'ATTEMPT', 'DETAIL'],
    ...entries.map(({ seq, event }) => [
      String(seq),
      timeText(event.at),
      event.type,
      'stepId' in event ? event.stepId : '-',
      'attempt' in event ? String(event.attempt) : '-',
      detailOf(event),
    ]),
  ]);
}

function detailOf(event: JournalEntry['event']): string {
  switch (event.type) {
    case 'stepCompleted':
    case 'runCompleted':
      return event.result.outcome === 'failed'
        ? `failed: ${event.result.error.message}`
        : event.result.outcome;
    case 'stepRetrying':
      return `${event.reason} retry in ${event.delayMs} ms: ${event.error.message}`;
    case 'stepStarted':
      return event.component;
    case 'stepPaused':
      return event.kind === 'timer'
        ? `sleeps until ${new Date(event.wakeAt ?? 0).toISOString()}`
        : `asks: ${typeof event.prompt === 'string' ? event.prompt : JSON.stringify(event.prompt)}`;
    case 'stepAnswered':
      return `answered${event.by === undefined ? '' : ` by ${event.by}`}: ${JSON.stringify(event.answer)}`;
    default:
      return '';
  }
}
