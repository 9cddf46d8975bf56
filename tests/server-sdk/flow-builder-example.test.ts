import { fileURLToPath } from 'node:url';
import { flowIdOf, loadFlowFile, validateFlow } from '@stepflow/runtime';
import { createFlowBuilder, literal } from '@stepflow/server-sdk';
import { describe, expect, it } from 'vitest';

const REPORT = fileURLToPath(new URL('../../examples/sample-server/report.yaml', import.meta.url));

/** examples/sample-server/report.yaml, written with the typed flow builder. */
function reportFlow() {
  const flow = createFlowBuilder<{ title: string; text: string }>({
    name: 'sample-server-report',
    description:
      'Analyses a text with TypeScript components, stores the summary as a blob, runs a sub-flow and shows onError.',
  });
  flow.inputSchema({
    type: 'object',
    required: ['title', 'text'],
    properties: {
      title: { type: 'string', description: 'A short title (analysed by a sub-flow)' },
      text: { type: 'string', description: 'The text to analyse' },
    },
  });
  const stats = flow.step('stats', '/sample/text_stats', { text: flow.input.ref('text'), top: 2 });
  const summary = flow.step('summary', '/sample/json_transform', {
    data: stats.ref(),
    mapping: { words: 'words', sentences: 'sentences', top_word: 'top_words[0].word' },
  });
  const store = flow.step<{ blob_id: string }>('store', '/sample/store_blob', {
    value: summary.ref(),
  });
  const reload = flow.step('reload', '/sample/read_blob', { blob_id: store.ref('blob_id') });

  const inner = createFlowBuilder<{ text: string }>({ name: 'count-words' });
  const count = inner.step('count', '/sample/text_stats', { text: inner.input.ref('text') });
  inner.output(count.ref('words'));
  const titleWords = flow.step('title_words', '/sample/run_flow', {
    input: { text: flow.input.ref('title') },
    flow: literal(inner.build()),
  });
  const flaky = flow.step(
    'flaky',
    '/sample/fail',
    { code: 503, message: 'upstream unavailable' },
    { onError: { action: 'useDefault', defaultValue: 'fallback used' } },
  );
  flow.output({ summary: reload.ref('value'), title_words: titleWords.ref(), flaky: flaky.ref() });
  return flow.build();
}

describe('the flow builder against a flow written in YAML', () => {
  it('builds exactly the document report.yaml loads to, with the same flow id', async () => {
    const { flow: fromYaml } = await loadFlowFile(REPORT);
    const { test: _test, ...withoutTests } = fromYaml as typeof fromYaml & { test?: unknown };
    const built = reportFlow();
    expect(built).toEqual(withoutTests);
    expect(flowIdOf(built)).toBe(flowIdOf(withoutTests));
    expect(validateFlow(built).filter((d) => d.level !== 'warning')).toEqual([]);
  });
});
