import { describe, expect, it } from 'vitest';
import { MAX_FLOW_CHARS, parseFlowText, parseJsonLines } from './parse-flow-text.ts';

describe('parseFlowText', () => {
  it('reads YAML and JSON flows', () => {
    expect(parseFlowText('name: a\nsteps: []\n')).toEqual({ name: 'a', steps: [] });
    expect(parseFlowText('{"name":"b","steps":[]}')).toEqual({ name: 'b', steps: [] });
  });

  it('names the line of a syntax error', () => {
    expect(() => parseFlowText('name: a\nsteps: [\n')).toThrow(/not valid YAML or JSON: .*line 3/s);
  });

  it('refuses an empty document, a list, a scalar and an oversized one', () => {
    expect(() => parseFlowText('  \n')).toThrow('The flow is empty');
    expect(() => parseFlowText('- a\n- b\n')).toThrow('must be a mapping');
    expect(() => parseFlowText('42')).toThrow('must be a mapping');
    expect(() => parseFlowText(' '.repeat(MAX_FLOW_CHARS + 1))).toThrow(/the limit is/);
  });

  it('refuses an alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => {
        const prev = i === 0 ? 'a' : `l${i - 1}`;
        return `l${i}: &l${i} [${Array(10).fill(`*${prev}`).join(', ')}]`;
      }),
    ].join('\n');
    expect(() => parseFlowText(bomb)).toThrow(/not valid YAML or JSON/);
  });
});

describe('parseJsonLines', () => {
  it('reads one value per non-empty line', () => {
    expect(parseJsonLines('{"a":1}\n\n2\r\n"x"\n')).toEqual([{ a: 1 }, 2, 'x']);
  });

  it('names the line at fault', () => {
    expect(() => parseJsonLines('1\n{oops}\n')).toThrow(/^Line 2: /);
  });
});
