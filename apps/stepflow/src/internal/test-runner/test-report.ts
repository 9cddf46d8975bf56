/** Counters of a `stepflow test` session, printed as REF's closing summary. */
export interface TestTotals {
  filesTested: number;
  filesSkipped: number;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
}

/** Fresh, all-zero totals. */
export function emptyTotals(): TestTotals {
  return { filesTested: 0, filesSkipped: 0, cases: 0, passed: 0, failed: 0, errors: 0 };
}

/** The closing summary, exactly REF's lines. */
export function formatSummary(totals: TestTotals): string {
  return [
    '=== Test Summary ===',
    `Files tested: ${totals.filesTested}`,
    `Files skipped: ${totals.filesSkipped}`,
    `Total test cases: ${totals.cases}`,
    `Passed: ${totals.passed}`,
    `Failed: ${totals.failed}`,
    `Execution errors: ${totals.errors}`,
    '',
  ].join('\n');
}
