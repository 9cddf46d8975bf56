import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { ComponentError } from '../index.ts';
import { eventLog, testRuntime, yamlFlow } from '../../test/helpers.ts';

const CANARY = 'canary-3f9a1c';

function echoedFlow(component: string, onError = ''): ReturnType<typeof yamlFlow> {
  return yamlFlow(`
steps:
  - id: s
    component: ${component}
    input: { $from: { workflow: input } }
${onError}
output: { $from: { step: s } }
`);
}

const input = {
  messages: [{ role: 'user', content: 3 }],
  api_key: CANARY,
  headers: { 'X-API-Key': CANARY, Authorization: `Bearer ${CANARY}` },
  client_secret: CANARY,
};

describe('secrets in echoed inputs', () => {
  it('never reach a failure, whatever the component puts in its error data', async () => {
    const kinds: (() => FlowResult)[] = [
      () => {
        throw new ComponentError(-32003, 'bad input', { input: structuredClone(input) });
      },
      () => ({
        outcome: 'failed',
        error: { code: 7, message: 'bad input', data: { echo: structuredClone(input) } },
      }),
    ];
    for (const handler of kinds) {
      const { events, onEvent } = eventLog();
      const runtime = testRuntime({ handler });
      const retried = echoedFlow(
        '/test/x',
        '    onError: { action: retry, maxAttempts: 2, backoff: { initialMs: 0, jitter: false } }',
      );
      const { result } = await runtime.run({ flow: retried, input, onEvent });
      expect(result.outcome).toBe('failed');
      expect(JSON.stringify(result)).toContain('[redacted]');
      expect(JSON.stringify(result)).not.toContain(CANARY);
      expect(events.map((e) => e.type)).toContain('stepRetrying');
      expect(JSON.stringify(events)).not.toContain(CANARY);
    }
  });

  it('are redacted in the inputs run events carry', async () => {
    const { events, onEvent } = eventLog();
    const { result } = await testRuntime().run({ flow: echoedFlow('/test/echo'), input, onEvent });
    // The flow's own output is the flow's business; the events echo inputs and must not leak.
    expect(result).toEqual({ outcome: 'success', result: input });
    const started = events.find((e) => e.type === 'stepStarted');
    expect(started).toMatchObject({
      input: { api_key: '[redacted]', headers: { 'X-API-Key': '[redacted]' } },
    });
    expect(events.find((e) => e.type === 'runStarted')).toMatchObject({
      input: { client_secret: '[redacted]', messages: input.messages },
    });
    const echoedEvents = events.filter(
      (e) => e.type !== 'stepCompleted' && e.type !== 'runCompleted',
    );
    expect(JSON.stringify(echoedEvents)).not.toContain(CANARY);
  });

  it('the openai builtin and the mock plugin do not echo them either', async () => {
    const runtime = testRuntime({ mock: { '/m': { behaviors: {} } } });
    for (const component of ['/builtin/openai', '/mock/m']) {
      const { result } = await runtime.run({ flow: echoedFlow(component), input });
      expect(result.outcome).toBe('failed');
      expect(JSON.stringify(result)).not.toContain(CANARY);
    }
  });
});
