import { writeFile } from 'node:fs/promises';
import { readDocumentFile } from '@stepflow/runtime';
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
  const text = await readDocumentFile(path);
  if (/\.json$/i.test(path)) {
    const flow = JSON.parse(text) as { test: { cases: Record<string, unknown>[] } };
    for (const update of updates) {
      const testCase = flow.test.cases[update.index];
      if (testCase) testCase.output = update.output;
    }
    await writeFile(path, `${JSON.stringify(flow, null, 2)}\n`);
    return;
  }
  // The flow has been parsed (and its keys checked) already; the parser's own duplicate-key
  // check is quadratic in the keys of a mapping.
  const document = parseDocument(text, { uniqueKeys: false });
  for (const update of updates) {
    document.setIn(['test', 'cases', update.index, 'output'], document.createNode(update.output));
  }
  await writeFile(path, document.toString({ lineWidth: 0 }));
}
