import { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { ExitCode } from '../internal/cli-error.ts';
import { formatDiagnostics, hasBlockingDiagnostics } from '../internal/format-diagnostics.ts';
import { diagnoseFlow, loadConfigOrExit, loadFlowOrExit } from '../internal/load-inputs.ts';

interface ValidateOptions {
  readonly flow: string;
  readonly config?: string;
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
    .addHelpText(
      'after',
      '\nExit codes: 0 no fatal or error diagnostics (warnings allowed), 2 otherwise.',
    )
    .action(async (options: ValidateOptions) => {
      const { io } = context();
      const loaded = await loadFlowOrExit(options.flow);
      const config = await loadConfigOrExit({
        configPath: options.config,
        flowPath: options.flow,
        cwd: io.cwd,
        env: io.env,
      });
      const diagnostics = diagnoseFlow(loaded, config);
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
