import type { AliasUse } from '@stepflow/protocol';
import type { Diagnostic } from './diagnostic.ts';

function stepIdAt(flow: unknown, path: readonly (string | number)[]): string | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
  const steps = (flow as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return undefined;
  const step = steps[path[1]] as { id?: unknown } | undefined;
  return typeof step?.id === 'string' ? step.id : undefined;
}

/** One warning per snake_case alias used (DECISIONS item 8), naming the canonical key. */
export function aliasDiagnostics(
  aliases: readonly AliasUse[],
  flow: unknown,
  file?: string,
): Diagnostic[] {
  return aliases.map((use) => {
    const stepId = stepIdAt(flow, use.path);
    const where = stepId === undefined ? '' : ` in step '${stepId}'`;
    return {
      level: 'warning',
      type: 'aliasUsed',
      message: use.ignored
        ? `'${use.alias}'${where} is ignored because '${use.canonical}' is also present`
        : `'${use.alias}'${where} is an alias: write '${use.canonical}'`,
      path: [...use.path],
      field: use.canonical,
      ...(file === undefined ? {} : { file }),
      ...(stepId === undefined ? {} : { stepId }),
    } satisfies Diagnostic;
  });
}
