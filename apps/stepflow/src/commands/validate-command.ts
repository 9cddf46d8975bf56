import type { ListedComponent, Runtime } from '@stepflow/runtime';
import { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError, ExitCode } from '../internal/cli-error.ts';
import { createCliRuntime } from '../internal/create-cli-runtime.ts';
import { formatDiagnostics, hasBlockingDiagnostics } from '../internal/format-diagnostics.ts';
import { diagnoseFlow, loadConfigOrExit, loadFlowOrExit } from '../internal/load-inputs.ts';

interface ValidateOptions {
  readonly flow: string;
  readonly config?: string;
  readonly checkComponents?: boolean;
}

/** Lists every plugin's components (starting component servers); a failure is a usage error. */
async function listComponentLists(runtime: Runtime): Promise<Map<string, string[]>> {
  let listed: ListedComponent[];
  try {
    listed = await runtime.listComponents();
  } catch (error) {
    throw new CliError(
      `--check-components: cannot list the components: ${(error as Error).message}`,
      ExitCode.usage,
      { cause: error },
    );
  }
  const lists = new Map<string, string[]>();
  for (const { plugin, info } of listed) {
    const list = lists.get(plugin) ?? [];
    list.push(info.component);
    lists.set(plugin, list);
  }
  return lists;
}

/** `stepflow validate`: static checks of a flow against its config, diagnostics on stderr. */
export function validateCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('validate')
    .description('Check a flow (and its config) without running it; diagnostics go to stderr')
    .requiredOption('-f, --flow <file>', 'flow file (.yaml, .yml or .json)')
    .option('-c, --config <file>', 'stepflow config file (default: discovered)')
    .option(
      '--check-components',
      'also start the component servers, check the components they list, and stop them',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 no fatal or error diagnostics (warnings allowed), 2 otherwise.',
    )
    .action(async (options: ValidateOptions) => {
      const { io, logger } = context();
      const loaded = await loadFlowOrExit(options.flow);
      const config = await loadConfigOrExit({
        configPath: options.config,
        flowPath: options.flow,
        cwd: io.cwd,
        env: io.env,
      });
      // Built exactly as `run` builds it, so a config `run` refuses (a plugin type without a
      // factory, a bad URL) fails here with the same error. Nothing starts unless listed.
      const runtime = await createCliRuntime(config, logger);
      let diagnostics;
      try {
        const lists = options.checkComponents ? await listComponentLists(runtime) : undefined;
        diagnostics = diagnoseFlow(loaded, config, lists);
      } finally {
        await runtime.close();
      }
      for (const warning of config.warnings)
        io.writeErr(`${config.path ?? 'config'}: warning: ${warning}\n`);
      if (diagnostics.length === 0) {
        io.writeErr(`${options.flow}: valid (no diagnostics)\n`);
        setExitCode(ExitCode.success);
        return;
      }
      io.writeErr(formatDiagnostics(diagnostics, options.flow));
      setExitCode(hasBlockingDiagnostics(diagnostics) ? ExitCode.usage : ExitCode.success);
    });
}
