import { describe, expect, it } from 'vitest';
import { FLOW_SCHEMA_URL, FlowSchema, normalizeFlowAliases } from '../index.ts';

describe('normalizeFlowAliases', () => {
  it('renames snake_case flow and step keys in place and reports each', () => {
    const raw = {
      schema: FLOW_SCHEMA_URL,
      input_schema: { type: 'object', properties: { on_error: { type: 'string' } } },
      steps: [
        {
          id: 'a',
          component: '/x',
          skip_if: { $from: { workflow: 'input' }, path: 'skip' },
          on_error: { action: 'retry', max_attempts: 4, backoff: { initial_ms: 5, max_ms: 50 } },
          timeout_ms: 1000,
          output_schema: null,
        },
      ],
    };
    const { value, aliases } = normalizeFlowAliases(raw);
    expect(value).toEqual({
      schema: FLOW_SCHEMA_URL,
      inputSchema: { type: 'object', properties: { on_error: { type: 'string' } } },
      steps: [
        {
          id: 'a',
          component: '/x',
          skipIf: { $from: { workflow: 'input' }, path: 'skip' },
          onError: { action: 'retry', maxAttempts: 4, backoff: { initialMs: 5, maxMs: 50 } },
          timeoutMs: 1000,
          outputSchema: null,
        },
      ],
    });
    expect(Object.keys((value as { steps: object[] }).steps[0]!)).toEqual([
      'id',
      'component',
      'skipIf',
      'onError',
      'timeoutMs',
      'outputSchema',
    ]);
    expect(aliases).toEqual([
      { path: ['input_schema'], alias: 'input_schema', canonical: 'inputSchema' },
      { path: ['steps', 0, 'skip_if'], alias: 'skip_if', canonical: 'skipIf' },
      { path: ['steps', 0, 'on_error'], alias: 'on_error', canonical: 'onError' },
      { path: ['steps', 0, 'timeout_ms'], alias: 'timeout_ms', canonical: 'timeoutMs' },
      { path: ['steps', 0, 'output_schema'], alias: 'output_schema', canonical: 'outputSchema' },
      {
        path: ['steps', 0, 'onError', 'max_attempts'],
        alias: 'max_attempts',
        canonical: 'maxAttempts',
      },
      {
        path: ['steps', 0, 'onError', 'backoff', 'initial_ms'],
        alias: 'initial_ms',
        canonical: 'initialMs',
      },
      { path: ['steps', 0, 'onError', 'backoff', 'max_ms'], alias: 'max_ms', canonical: 'maxMs' },
    ]);
    expect(FlowSchema.safeParse(value).success).toBe(true);
    expect(raw.steps[0]).toHaveProperty('on_error');
  });

  it('normalises expressions inside templates but never data keys', () => {
    const input = {
      skip_if: 1,
      on_error: 'data',
      ref: {
        $from: { step: 'b' },
        on_skip: { action: 'useDefault', default_value: { on_error: 1 } },
      },
      list: [{ $from: { step: 'b' }, on_skip: { action: 'skip' } }],
      raw: { $literal: { $from: { step: 'b' }, on_skip: 1 } },
    };
    const { value, aliases } = normalizeFlowAliases({
      schema: FLOW_SCHEMA_URL,
      steps: [{ id: 'a', component: '/x', input }],
      output: { on_skip: { $from: { step: 'a' }, on_skip: { action: 'skip' } } },
    });
    expect(value).toMatchObject({
      steps: [
        {
          input: {
            skip_if: 1,
            on_error: 'data',
            ref: {
              $from: { step: 'b' },
              onSkip: { action: 'useDefault', defaultValue: { on_error: 1 } },
            },
            list: [{ $from: { step: 'b' }, onSkip: { action: 'skip' } }],
            raw: { $literal: { $from: { step: 'b' }, on_skip: 1 } },
          },
        },
      ],
      output: { on_skip: { $from: { step: 'a' }, onSkip: { action: 'skip' } } },
    });
    expect(aliases.map((a) => a.path)).toEqual([
      ['steps', 0, 'input', 'ref', 'on_skip'],
      ['steps', 0, 'input', 'ref', 'onSkip', 'default_value'],
      ['steps', 0, 'input', 'list', 0, 'on_skip'],
      ['output', 'on_skip', 'on_skip'],
    ]);
  });

  it('normalises onError.defaultValue as a template and skipIf as an expression', () => {
    const { value } = normalizeFlowAliases({
      schema: FLOW_SCHEMA_URL,
      steps: [
        {
          id: 'a',
          component: '/x',
          onError: {
            action: 'useDefault',
            default_value: { v: { $from: { step: 'b' }, on_skip: null } },
          },
          skipIf: { $from: { step: 'b' }, on_skip: { action: 'skip' } },
        },
      ],
    });
    expect(value).toMatchObject({
      steps: [
        {
          onError: {
            action: 'useDefault',
            defaultValue: { v: { $from: { step: 'b' }, onSkip: null } },
          },
          skipIf: { $from: { step: 'b' }, onSkip: { action: 'skip' } },
        },
      ],
    });
  });

  it('leaves metadata, schemas, examples and test cases alone', () => {
    const raw = {
      schema: FLOW_SCHEMA_URL,
      metadata: { input_schema: 1 },
      outputSchema: { properties: { skip_if: {} } },
      examples: [{ name: 'e', input: { on_error: 1 } }],
      test: {
        cases: [
          {
            name: 'c',
            input: { timeout_ms: 1 },
            output: { outcome: 'success', result: { on_skip: 1 } },
          },
        ],
      },
    };
    const { value, aliases } = normalizeFlowAliases(raw);
    expect(value).toEqual(raw);
    expect(aliases).toEqual([]);
  });

  it('normalises test servers and the test config', () => {
    const { value, aliases } = normalizeFlowAliases({
      schema: FLOW_SCHEMA_URL,
      test: {
        servers: {
          api: {
            command: 'x',
            working_directory: 'd',
            port_range: [1, 2],
            health_check: { path: '/h', timeout_ms: 1, retry_attempts: 2, retry_delay_ms: 3 },
            startup_timeout_ms: 4,
            shutdown_timeout_ms: 5,
          },
        },
        stepflow_config: { state_store: { type: 'inMemory' }, plugins: {} },
      },
    });
    expect(value).toEqual({
      schema: FLOW_SCHEMA_URL,
      test: {
        servers: {
          api: {
            command: 'x',
            workingDirectory: 'd',
            portRange: [1, 2],
            healthCheck: { path: '/h', timeoutMs: 1, retryAttempts: 2, retryDelayMs: 3 },
            startupTimeoutMs: 4,
            shutdownTimeoutMs: 5,
          },
        },
        config: { stateStore: { type: 'inMemory' }, plugins: {} },
      },
    });
    expect(aliases.map((a) => a.path.join('.'))).toEqual([
      'test.stepflow_config',
      'test.servers.api.working_directory',
      'test.servers.api.port_range',
      'test.servers.api.health_check',
      'test.servers.api.startup_timeout_ms',
      'test.servers.api.shutdown_timeout_ms',
      'test.servers.api.healthCheck.timeout_ms',
      'test.servers.api.healthCheck.retry_attempts',
      'test.servers.api.healthCheck.retry_delay_ms',
      'test.config.state_store',
    ]);
  });

  it('keeps an alias untouched when the canonical key is present too', () => {
    const { value, aliases } = normalizeFlowAliases({
      schema: FLOW_SCHEMA_URL,
      steps: [
        { id: 'a', component: '/x', on_error: { action: 'skip' }, onError: { action: 'fail' } },
      ],
    });
    expect(value).toEqual({
      schema: FLOW_SCHEMA_URL,
      steps: [
        { id: 'a', component: '/x', on_error: { action: 'skip' }, onError: { action: 'fail' } },
      ],
    });
    expect(aliases).toEqual([
      { path: ['steps', 0, 'on_error'], alias: 'on_error', canonical: 'onError', ignored: true },
    ]);
  });

  it('returns non-object documents and malformed parts unchanged', () => {
    expect(normalizeFlowAliases('text')).toEqual({ value: 'text', aliases: [] });
    expect(normalizeFlowAliases(null)).toEqual({ value: null, aliases: [] });
    const raw = { schema: FLOW_SCHEMA_URL, steps: 'none', test: 3, output: [1, { a: 2 }] };
    expect(normalizeFlowAliases(raw)).toEqual({ value: raw, aliases: [] });
    const steps = { schema: FLOW_SCHEMA_URL, steps: [null, 'x', { id: 'a', on_error: 'skip' }] };
    expect(normalizeFlowAliases(steps).value).toEqual({
      schema: FLOW_SCHEMA_URL,
      steps: [null, 'x', { id: 'a', onError: 'skip' }],
    });
  });
});
