import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runEchoDemo } from './run-echo-demo.ts';

const childScript = fileURLToPath(new URL('../dist/child.js', import.meta.url));

it.runIf(existsSync(childScript))(
  'prints a transcript with one callback from the child',
  async () => {
    const lines: string[] = [];
    await runEchoDemo({ childScript, print: (line) => lines.push(line) });
    const wire = lines.filter((l) => l.startsWith('runtime'));
    expect(wire).toEqual([
      'runtime → child  #1 request echo {"message":"hello, stepflow"}',
      'runtime ← child  #1 result {"message":"hello, stepflow"}',
      'runtime → child  #2 request reverse "stepflow"',
      'runtime ← child  #2 result "wolfpets"',
      'runtime → child  #3 request greet {"name":"Ada"}',
      'runtime ← child      #1 request lookupTitle {"name":"Ada"}',
      'runtime → child      #1 result {"title":"Countess"}',
      'runtime ← child  #3 result "Hello, Countess Ada!"',
    ]);
    expect(lines).toContain(
      `greet   → "Hello, Countess Ada!" (the child called back once to look up the title)`,
    );
    expect(
      lines.some((l) => l.includes("child stderr: child: asking the runtime for Ada's title")),
    ).toBe(true);
  },
);
