import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where the screenshots go (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS = join(HERE, 'artifacts');
/** Debian's Chromium, which `.ci/run` installs when it is missing. */
export const CHROMIUM = process.env.STEPFLOW_CHROMIUM ?? '/usr/bin/chromium';
const FIXTURE = join(HERE, 'fixtures/ui-server.mjs');
const FLOW_SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

/** A scratch directory with a config (builtin + the UI fixture as `/fx/*`) and a gate folder. */
export interface UiWorkspace {
  readonly dir: string;
  /** Lets every `hold` execution with this key finish. */
  openGate(key: string): Promise<void>;
}

/** Creates a workspace in a fresh temporary directory. */
export async function createUiWorkspace(): Promise<UiWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-ui-'));
  const gateDir = join(dir, 'gates');
  await mkdir(gateDir);
  const config = {
    plugins: {
      builtin: { type: 'builtin' },
      fx: {
        type: 'stepflow',
        transport: 'stdio',
        command: process.execPath,
        args: [FIXTURE],
        env: { GATE_DIR: gateDir, STEPFLOW_TEST_MARKER: dir },
      },
    },
    routes: {
      '/fx/{*component}': [{ plugin: 'fx' }],
      '/builtin/{*component}': [{ plugin: 'builtin' }],
    },
  };
  await writeFile(join(dir, 'stepflow-config.yml'), JSON.stringify(config, null, 2));
  return { dir, openGate: (key) => writeFile(join(gateDir, key), 'open') };
}

/** Launches headless Chromium, with a clear error when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`,
    );
  await mkdir(ARTIFACTS, { recursive: true });
  // --no-sandbox: tests run as root in CI, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A flow whose one step waits for its gate: a run the page can watch live. */
export const HOLD_FLOW_YAML = `schema: ${FLOW_SCHEMA}
name: greet-held
description: Greets a name once the test opens its gate
inputSchema:
  type: object
  required: [name, key]
  properties:
    name: { type: string, description: Who to greet }
    key: { type: string, description: The gate to wait for }
steps:
  - id: greet
    component: /fx/hold
    input:
      name: { $from: { workflow: input }, path: name }
      key: { $from: { workflow: input }, path: key }
output: { $from: { step: greet } }
`;

/** A flow whose step always fails. */
export const FAIL_FLOW = {
  schema: FLOW_SCHEMA,
  name: 'always-fails',
  description: 'Fails on purpose',
  steps: [
    {
      id: 'explode',
      component: '/fx/fail',
      input: { reason: { $from: { workflow: 'input' }, path: 'reason' } },
    },
  ],
  output: { $from: { step: 'explode' } },
};

/** A flow that asks a question and answers with the reply. */
export const ASK_FLOW = {
  schema: FLOW_SCHEMA,
  name: 'asks',
  description: 'Asks whether to ship',
  steps: [
    {
      id: 'approve',
      component: '/builtin/ask_human',
      input: {
        prompt: 'Ship it?',
        schema: {
          type: 'object',
          required: ['reason'],
          properties: {
            approved: { type: 'boolean' },
            reason: { type: 'string', minLength: 3 },
          },
        },
      },
    },
  ],
  output: { $from: { step: 'approve' } },
};
