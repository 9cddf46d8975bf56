import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { ExitCode } from '../internal/cli-error.ts';
import { createCliRuntime } from '../internal/create-cli-runtime.ts';
import {
  buildComponentEntries,
  formatComponentsData,
  formatComponentsPretty,
} from '../internal/list-components-report.ts';
import { loadConfigOrExit } from '../internal/load-inputs.ts';

interface ListComponentsOptions {
  readonly config?: string;
  readonly format: 'pretty' | 'json' | 'yaml';
  readonly schemas?: boolean;
  readonly hideUnreachable: boolean;
}

function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false');
}

/** `stepflow list-components`: every component of every configured plugin, with its routes. */
export function listComponentsCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('list-components')
    .description('List the components of every configured plugin and the routes that reach them')
    .option(
      '-c, --config <file>',
      'stepflow config file (default: discovered in the current directory)',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['pretty', 'json', 'yaml'])
        .default('pretty'),
    )
    .option(
      '--schemas [bool]',
      'include input/output schemas (default: false for pretty, true otherwise)',
      parseBoolean,
    )
    .option('--hide-unreachable [bool]', 'hide components no route reaches', parseBoolean, true)
    .action(async (options: ListComponentsOptions) => {
      const { io, logger } = context();
      const config = await loadConfigOrExit({
        configPath: options.config,
        cwd: io.cwd,
        env: io.env,
      });
      const runtime = await createCliRuntime(config, logger);
      try {
        const listed = await runtime.listComponents();
        const schemas = options.schemas ?? options.format !== 'pretty';
        const routes =
          (config.config as unknown as { routes?: Record<string, never[]> }).routes ?? {};
        const entries = buildComponentEntries(listed, routes, {
          schemas,
          hideUnreachable: options.hideUnreachable,
        });
        io.writeOut(
          options.format === 'pretty'
            ? formatComponentsPretty(entries, schemas)
            : formatComponentsData(entries, options.format),
        );
      } finally {
        await runtime.close();
      }
      setExitCode(ExitCode.success);
    });
}
