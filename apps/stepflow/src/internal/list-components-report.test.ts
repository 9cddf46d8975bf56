import { describe, expect, it } from 'vitest';
import {
  buildComponentEntries,
  formatComponentsPretty,
  routesTo,
} from './list-components-report.ts';

const routes = {
  '/builtin/{component}': [{ plugin: 'builtin' }],
  '/{*component}': [{ plugin: 'builtin', componentDeny: ['/openai'] }],
  '/ai/chat': [{ plugin: 'builtin', component: '/openai' }],
  '/py/{*component}': [
    { plugin: 'python', conditions: [{ path: '$.tier', value: 'gpu' }] },
    { plugin: 'python' },
  ],
};

describe('routesTo', () => {
  it('reverses patterns, templates and allow/deny lists', () => {
    expect(routesTo('/eval', 'builtin', routes).map((r) => r.resolvedPath)).toEqual([
      '/builtin/eval',
      '/eval',
    ]);
    expect(routesTo('/openai', 'builtin', routes).map((r) => r.resolvedPath)).toEqual([
      '/builtin/openai',
      '/ai/chat',
    ]);
    expect(routesTo('/a/b', 'builtin', routes).map((r) => r.resolvedPath)).toEqual(['/a/b']);
    const python = routesTo('/udf', 'python', routes);
    expect(python.map((r) => [r.resolvedPath, r.isConditional])).toEqual([
      ['/py/udf', true],
      ['/py/udf', false],
    ]);
  });
});

describe('buildComponentEntries', () => {
  const listed = [
    {
      plugin: 'builtin',
      info: { component: '/eval', description: 'Eval', input_schema: { type: 'object' } },
    },
    { plugin: 'other', info: { component: '/lonely' } },
  ];

  it('sorts, hides unreachable components and drops schemas unless asked', () => {
    const entries = buildComponentEntries(listed, routes, {
      schemas: false,
      hideUnreachable: true,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).not.toHaveProperty('input_schema');
    const all = buildComponentEntries(listed, routes, { schemas: true, hideUnreachable: false });
    expect(all.map((e) => e.component)).toEqual(['/eval', '/lonely']);
    expect(all[0]?.input_schema).toEqual({ type: 'object' });
    expect(formatComponentsPretty(all, false)).toContain('Component: /eval (plugin: builtin)');
    expect(formatComponentsPretty(all, false)).toContain('Total components: 2');
  });
});
