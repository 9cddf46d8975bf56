import { describe, expect, it } from 'vitest';
import { type RouteRuleConfig, createRouter } from './router.ts';

const plugins = new Set(['builtin', 'python', 'remote', 'gpu']);
const router = (routes: Record<string, RouteRuleConfig[]>) => createRouter(routes, plugins);

describe('routing (§4.4, §14 row 13)', () => {
  it('captures {component} (one segment) and {*component} (the rest)', () => {
    const r = router({
      '/builtin/{component}': [{ plugin: 'builtin' }],
      '/python/{*component}': [{ plugin: 'python' }],
    });
    expect(r.resolve('/builtin/eval', null)).toEqual({ plugin: 'builtin', component: '/eval' });
    expect(r.resolve('/python/a/b', null)).toEqual({ plugin: 'python', component: '/a/b' });
    expect(() => r.resolve('/builtin/a/b', null)).toThrow(
      "No route matches component '/builtin/a/b'",
    );
    expect(() => r.resolve('/python', null)).toThrow('No route matches');
    expect(() => r.resolve('/python/', null)).toThrow('No route matches');
    expect(r.matches('/python/x')).toBe(true);
    expect(r.matches('/other')).toBe(false);
  });

  it('prefers static over {x} over {*x}, whatever the declaration order', () => {
    const r = router({
      '/{*component}': [{ plugin: 'builtin' }],
      '/python/{component}': [{ plugin: 'python' }],
      '/python/special': [{ plugin: 'remote', component: '/the-special' }],
    });
    expect(r.resolve('/python/special', null)).toEqual({
      plugin: 'remote',
      component: '/the-special',
    });
    expect(r.resolve('/python/udf', null)).toEqual({ plugin: 'python', component: '/udf' });
    expect(r.resolve('/python/a/b', null)).toEqual({ plugin: 'builtin', component: '/python/a/b' });
    expect(r.resolve('/eval', null)).toEqual({ plugin: 'builtin', component: '/eval' });
  });

  it('tries rules in order with conditions on the resolved input (JSON equality)', () => {
    const r = router({
      '/remote/{component}': [
        {
          plugin: 'gpu',
          conditions: [
            { path: '$.tier', value: 'gpu' },
            { path: '$.opts', value: { b: 2, a: 1 } },
          ],
        },
        { plugin: 'remote', conditions: [{ path: 'tier', value: 'cpu' }] },
        { plugin: 'python' },
      ],
    });
    expect(r.resolve('/remote/run', { tier: 'gpu', opts: { a: 1, b: 2 } }).plugin).toBe('gpu');
    expect(r.resolve('/remote/run', { tier: 'gpu', opts: { a: 1 } }).plugin).toBe('python');
    expect(r.resolve('/remote/run', { tier: 'cpu' }).plugin).toBe('remote');
    expect(r.resolve('/remote/run', { other: 1 }).plugin).toBe('python');
    expect(r.resolve('/remote/run', 'not an object').plugin).toBe('python');
  });

  it('resolves a route without conditions the same way whatever the input, also when repeated', () => {
    const r = router({ '/py/{*component}': [{ plugin: 'python' }] });
    const first = r.resolve('/py/a/b', { tier: 'gpu' });
    expect(first).toEqual({ plugin: 'python', component: '/a/b' });
    expect(r.resolve('/py/a/b', 'anything')).toEqual(first);
    expect(r.resolve('/py/c', null)).toEqual({ plugin: 'python', component: '/c' });
    expect(Object.isFrozen(r.resolve('/py/a/b', null))).toBe(true);
  });

  it('applies allow and deny lists to the resolved name; no passing rule is an error', () => {
    const r = router({
      '/x/{component}': [
        { plugin: 'python', componentAllow: ['/a', 'b'] },
        { plugin: 'remote', componentDeny: ['/c'] },
      ],
    });
    expect(r.resolve('/x/a', null).plugin).toBe('python');
    expect(r.resolve('/x/b', null).plugin).toBe('python');
    expect(r.resolve('/x/d', null).plugin).toBe('remote');
    expect(() => r.resolve('/x/c', null)).toThrow('No matching rule found for component: /x/c');
  });

  it('fills component templates with captured parameters', () => {
    const r = router({
      '/ai/{provider}/{*component}': [{ plugin: 'python', component: '/{provider}_{component}' }],
    });
    expect(r.resolve('/ai/openai/chat/fast', null)).toEqual({
      plugin: 'python',
      component: '/openai_chat/fast',
    });
  });

  it.each([
    [
      { 'no-slash': [{ plugin: 'python' }] },
      "route pattern 'no-slash' must start with '/'",
      'routes.no-slash',
    ],
    [
      { '/{*a}/b': [{ plugin: 'python', component: '/x' }] },
      "catch-all '{*a}' must be the last segment",
      'routes./{*a}/b',
    ],
    [{ '/a{b}': [{ plugin: 'python', component: '/x' }] }, "segment 'a{b}'", 'routes./a{b}'],
    [
      {
        '/{a}': [{ plugin: 'python', component: '/x' }],
        '/{b}': [{ plugin: 'python', component: '/y' }],
      },
      "route pattern '/{b}' conflicts with '/{a}'",
      'routes./{b}',
    ],
    [{ '/x': [] }, "route '/x' needs at least one rule", 'routes./x'],
    [
      { '/x/{*component}': [{ plugin: 'ghost' }] },
      "Routing rule 0 for path '/x/{*component}' references unknown plugin 'ghost'",
      'routes./x/{*component}[0].plugin',
    ],
    [
      { '/ai/chat': [{ plugin: 'python' }] },
      "Parameter 'component' not available in pattern '/ai/chat'",
      'routes./ai/chat[0].component',
    ],
    [
      { '/{*component}': [{ plugin: 'python', conditions: [{ path: '$[', value: 1 }] }] },
      'invalid condition path',
      'routes./{*component}[0].conditions[0].path',
    ],
  ])('rejects bad routes: %j', (routes, message, field) => {
    try {
      router(routes);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain(message);
      expect((error as { field: string }).field).toBe(field);
    }
  });
});
