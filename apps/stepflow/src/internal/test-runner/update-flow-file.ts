import { readFile, writeFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';

/** A new expected output for the case at `index` of `test.cases`. */
export interface CaseUpdate {
  readonly index: number;
  readonly output: unknown;
}

/**
 * Writes new expected outputs into a flow file (`stepflow test --update`), editing only the
 * `output` of each updated case so comments, key order and spelling elsewhere are kept.
 */
export async function updateFlowFile(path: string, updates: readonly CaseUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const text = await readFile(path, 'utf8');
  if (/\.json$/i.test(path)) {
    const flow = JSON.parse(text) as { test: { cases: Record<string, unknown>[] } };
    for (const update of updates) {
      const testCase = flow.test.cases[update.index];
      if (testCase) testCase.output = update.output;
    }
    await writeFile(path, `${JSON.stringify(flow, null, 2)}\n`);
    return;
  }
  const document = parseDocument(text);
  for (const update of updates) {
    document.setIn(['test', 'cases', update.index, 'output'], document.createNode(update.output));
  }
  await writeFile(path, document.toString({ lineWidth: 0 }));
}
