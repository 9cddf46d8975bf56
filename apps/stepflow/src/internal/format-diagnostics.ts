import type { Diagnostic } from '@stepflow/runtime';

/** Counts of diagnostics by level. */
export interface DiagnosticCounts {
  readonly fatal: number;
  readonly error: number;
  readonly warning: number;
}

/** Counts diagnostics per level. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticCounts {
  const count = (level: Diagnostic['level']): number =>
    diagnostics.filter((diagnostic) => diagnostic.level === level).length;
  return { fatal: count('fatal'), error: count('error'), warning: count('warning') };
}

/** Whether any diagnostic blocks `run` and fails `validate` (fatal or error). */
export function hasBlockingDiagnostics(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.level !== 'warning');
}

/**
 * One line per diagnostic: `file:step:field: level: message`, the location parts that are
 * known, falling back to the document path (`steps.1.input`) when no step/field is named.
 */
export function formatDiagnostic(diagnostic: Diagnostic, fallbackFile?: string): string {
  const file = diagnostic.file ?? fallbackFile;
  const where: string[] = [];
  if (file !== undefined) where.push(file);
  if (diagnostic.stepId !== undefined) where.push(`step '${diagnostic.stepId}'`);
  if (diagnostic.field !== undefined) where.push(diagnostic.field);
  else if (diagnostic.stepId === undefined && diagnostic.path.length > 0) {
    where.push(diagnostic.path.join('.'));
  }
  const prefix = where.length > 0 ? `${where.join(':')}: ` : '';
  return `${prefix}${diagnostic.level}: ${diagnostic.message} [${diagnostic.type}]`;
}

/** All diagnostics, most severe first, then a count line. */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  fallbackFile?: string,
): string {
  const order = { fatal: 0, error: 1, warning: 2 } as const;
  const sorted = [...diagnostics].sort((a, b) => order[a.level] - order[b.level]);
  const counts = countDiagnostics(diagnostics);
  const lines = sorted.map((diagnostic) => formatDiagnostic(diagnostic, fallbackFile));
  lines.push(
    `${counts.fatal} fatal, ${counts.error} ${counts.error === 1 ? 'error' : 'errors'}, ` +
      `${counts.warning} ${counts.warning === 1 ? 'warning' : 'warnings'}`,
  );
  return `${lines.join('\n')}\n`;
}
