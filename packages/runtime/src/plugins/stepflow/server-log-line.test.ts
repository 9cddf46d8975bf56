import type { Transport } from '@stepflow/jsonrpc';
import { describe, expect, it } from 'vitest';
import { createStepflowPluginFactory, type LogFields, type Logger } from '../../index.ts';
import { MAX_SERVER_LOG_LINE, parseServerLogLine } from './server-log-line.ts';

const IDS = {
  component: '/talk',
  run_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  flow_id: 'a'.repeat(64),
  step_id: 'st',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  span_id: '00f067aa0ba902b7',
  attempt: 2,
};

describe('parseServerLogLine', () => {
  it('reads the line context.log writes: level, message, ids and fields', () => {
    const line = JSON.stringify({ level: 'warn', msg: 'slow', ...IDS, fields: { ms: 950 } });
    expect(parseServerLogLine(line)).toEqual({
      level: 'warn',
      message: 'slow',
      fields: { ...IDS, fields: { ms: 950 } },
    });
  });

  it('defaults the level to info and drops keys it does not know', () => {
    expect(parseServerLogLine('{"msg":"hi","time":"now","plugin":"forged"}')).toEqual({
      level: 'info',
      message: 'hi',
      fields: {},
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['not an object', '["msg"]'],
    ['a JSON string', '"msg"'],
    ['no message', '{"level":"info"}'],
    ['a message of the wrong type', '{"msg":5}'],
    ['an unknown level', '{"msg":"x","level":"fatal"}'],
    ['a numeric level (pino)', '{"msg":"x","level":30}'],
    ['a newline in the message', JSON.stringify({ msg: 'a\n2026 ERROR forged' })],
    ['a control character in an id', JSON.stringify({ msg: 'x', step_id: 's\r' })],
    ['an id of the wrong type', '{"msg":"x","run_id":7}'],
    ['an overlong id', JSON.stringify({ msg: 'x', step_id: 's'.repeat(513) })],
    ['a malformed trace id', '{"msg":"x","trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736"}'],
    ['a malformed span id', '{"msg":"x","span_id":"00f067aa"}'],
    ['a fractional attempt', '{"msg":"x","attempt":1.5}'],
    ['a zero attempt', '{"msg":"x","attempt":0}'],
    ['fields that are not an object', '{"msg":"x","fields":[1]}'],
    ['fields nested too deep', `{"msg":"x","fields":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`],
    ['a line too long', JSON.stringify({ msg: 'x'.repeat(MAX_SERVER_LOG_LINE) })],
    ['deep arrays', `{"msg":"x","fields":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`],
  ])('leaves a line with %s to be logged as text', (_what, line) => {
    expect(parseServerLogLine(line)).toBeUndefined();
  });
});

describe('stderr lines of a stdio component server', () => {
  it('become log records at their level with their ids, other lines plain text', () => {
    const records: [string, string, LogFields | undefined][] = [];
    const at =
      (level: string) =>
      (message: string, fields?: LogFields): void => {
        records.push([level, message, fields]);
      };
    const logger: Logger = {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    };
    let stderrLine: ((line: string) => void) | undefined;
    const factory = createStepflowPluginFactory({
      transports: {
        stdio: (_launch, context) => {
          stderrLine = context.logStderrLine;
          return {} as Transport;
        },
      },
      env: { PATH: '/bin' },
    });
    const plugin = factory({
      name: 'srv',
      config: { type: 'stepflow', transport: 'stdio', command: 'srv', args: [] },
      workingDirectory: '/tmp',
      logger,
    });
    // The transport is created at first use; a listing is one (it fails on the fake transport).
    void plugin.listComponents().catch(() => undefined);
    expect(stderrLine).toBeDefined();
    stderrLine!(JSON.stringify({ level: 'error', msg: 'broke', ...IDS }));
    stderrLine!('plain words');
    stderrLine!('{"msg":5}');
    expect(records.filter(([, message]) => message.startsWith('[srv]'))).toEqual([
      ['error', '[srv] broke', { plugin: 'srv', ...IDS }],
      ['info', '[srv] plain words', { plugin: 'srv' }],
      ['info', '[srv] {"msg":5}', { plugin: 'srv' }],
    ]);
    void plugin.close();
  });
});
