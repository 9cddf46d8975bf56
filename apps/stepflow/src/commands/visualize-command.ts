import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError, ExitCode } from '../internal/cli-error.ts';
import { describeFsError } from '../internal/data-file.ts';
import { loadFlowOrExit } from '../internal/load-inputs.ts';
import { buildFlowGraph } from '@stepflow/runtime/flow-graph';
import { renderDot } from '../internal/visualize/render-dot.ts';
import { renderMermaid } from '../internal/visualize/render-mermaid.ts';

interface VisualizeOptions {
  readonly flow: string;
  readonly format: 'mermaid' | 'dot';
  readonly output?: string;
}

/** `stepflow visualize`: the flow's dependency graph as Mermaid or DOT text. */
export function visualizeCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('visualize')
    .description('Draw the dependency graph of a flow as Mermaid or Graphviz DOT text')
    .requiredOption('-f, --flow <file>', 'flow file (.yaml, .yml or .json)')
    .addOption(
      new Option('--format <format>', 'output format (render DOT with `dot -Tsvg` for an image)')
        .choices(['mermaid', 'dot'])
        .default('mermaid'),
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: VisualizeOptions) => {
      const { io } = context();
      const loaded = await loadFlowOrExit(options.flow);
      const graph = buildFlowGraph(loaded.flow);
      const text = options.format === 'dot' ? renderDot(graph) : renderMermaid(graph);
      if (options.output === undefined) io.writeOut(text);
      else {
        try {
          await writeFile(options.output, text);
        } catch (error) {
          throw new CliError(
            `--output ${options.output}: cannot write: ${describeFsError(error)}`,
            ExitCode.failed,
          );
        }
      }
      setExitCode(ExitCode.success);
    });
}
