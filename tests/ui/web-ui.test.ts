/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The web UI in a real headless Chromium against a real `stepflow serve`: what a user does on
// each page, checked on what the page shows. Screenshots of each page go to tests/ui/artifacts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesOf, startService, type ServiceProcess } from '../service/service-harness.ts';
import {
  ARTIFACTS,
  ASK_FLOW,
  createUiWorkspace,
  FAIL_FLOW,
  HOLD_FLOW_YAML,
  launchBrowser,
  type UiWorkspace,
} from './ui-harness.ts';

let workspace: UiWorkspace;
let service: ServiceProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  workspace = await createUiWorkspace();
  service = await startService(workspace.dir, ['--store', 'memory']);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page.setDefaultTimeout(20_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  expect(await service.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
});

const shot = (name: string, target: Page = page) =>
  target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Pastes the held flow on the Flows page and stores it. */
async function storeHoldFlow(): Promise<void> {
  await page.goto(`${service.url}/#/flows`);
  await page.getByLabel('Or paste it').fill(HOLD_FLOW_YAML);
  await page.getByRole('button', { name: 'Check and store' }).click();
  await page.getByText('No problems found.').waitFor();
}

describe('the web UI', () => {
  it('is served at / with its security headers, the API beside it', async () => {
    const response = await fetch(`${service.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<div id="root">');
    expect((await service.api('health')).status).toBe(200);
  });

  it('starts a run from the form and watches it complete live', async () => {
    await storeHoldFlow();
    await page.locator('svg.graph [data-step="greet"]').waitFor();
    // A missing required field is named next to it, and nothing starts.
    await page.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => page.locator('#run-input-name-error').textContent()).toBe('Required');
    await shot('flows');
    await page.getByLabel('name', { exact: false }).first().fill('Ada');
    await page.locator('#run-input-key').fill('live-run');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/runs\/[\w-]+$/);
    await page.locator('svg.graph [data-step="greet"][data-status="running"]').waitFor();
    await shot('run-running');
    await workspace.openGate('live-run');
    // No reload: the page follows the run's event stream.
    await page.locator('svg.graph [data-step="greet"][data-status="completed"]').waitFor();
    await page.locator('h1 .badge.status-completed').waitFor();
    await expect
      .poll(() => page.locator('figure', { hasText: 'Result' }).textContent())
      .toContain('Hello, Ada!');
    await page.locator('svg.graph [data-step="greet"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Step greet/ }).waitFor();
    expect(await page.locator('.step-details').textContent()).toContain('1 attempt');
    await shot('run-completed');
  });

  it('shows the diagnostics of a broken flow with their locations, and stores nothing', async () => {
    await page.goto(`${service.url}/#/flows`);
    await page.getByLabel('Or paste it').fill('steps: [\n');
    await page.getByRole('button', { name: 'Check and store' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toMatch(/not valid YAML or JSON/);
    const broken = HOLD_FLOW_YAML.replace(
      'path: name }',
      'path: name }\n      extra: { $from: { step: ghost } }',
    );
    await page.getByLabel('Or paste it').fill(broken);
    await page.getByRole('button', { name: 'Check and store' }).click();
    await page.getByText('The flow was not stored: fix the errors above.').waitFor();
    const diagnostics = await page.locator('.diagnostics li').allTextContents();
    expect(diagnostics.join('\n')).toMatch(/fatal steps\.0\.input \(step greet\): .*ghost/);
    expect(await page.getByRole('button', { name: 'Start run' }).count()).toBe(0);
    await shot('flows-diagnostics');
  });

  it('cancels a running run from its page', async () => {
    await storeHoldFlow();
    await page.locator('#run-input-name').fill('Bo');
    await page.locator('#run-input-key').fill('never-opened');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.locator('svg.graph [data-step="greet"][data-status="running"]').waitFor();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('h1 .badge.status-cancelled').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel run' }).isDisabled()).toBe(true);
  });

  it('opens a failed run from the list and reads the error', async () => {
    const stored = await service.api('flows', { body: { flow: FAIL_FLOW } });
    const run = await service.api('runs', {
      body: { flowId: stored.body.flowId, input: { reason: 'a test' } },
    });
    expect(run.body.status).toBe('failed');
    await page.goto(`${service.url}/#/runs`);
    await page.getByLabel('Status').selectOption('failed');
    const row = page.locator(`tr[data-run="${run.body.runId}"]`);
    await row.waitFor();
    // The unfiltered list shows the run too: wait until the filtered one has replaced it.
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    expect(await page.locator('tbody tr .badge.status-failed').count()).toBe(1);
    await shot('runs');
    await row.getByRole('link').click();
    const error = page.locator('.failure .run-error');
    await expect.poll(() => error.first().textContent()).toContain('step "explode" failed');
    // The root cause, from the error's `data.cause` chain, is spelled out.
    expect(await error.nth(1).textContent()).toBe(
      'Cause: Component execution failed: the fixture failed on purpose for "a test"',
    );
    await page.locator('svg.graph [data-step="explode"][data-status="failed"]').click();
    // The step's own error carries the component's message.
    await expect
      .poll(() => page.locator('.step-details').textContent())
      .toContain('the fixture failed on purpose for \\"a test\\"');
    await shot('run-failed');
  });

  it("shows a batch's progress live and downloads its outputs as JSONL", async () => {
    await storeHoldFlow();
    const inputs = ['b0', 'b1', 'b2'].map((key) => JSON.stringify({ name: key, key })).join('\n');
    await page.getByLabel('Inputs, one JSON value per line').fill(inputs);
    await page.getByRole('button', { name: 'Start batch' }).click();
    await page.waitForURL(/#\/batches\/[\w-]+$/);
    await page.getByText('0 of 3 done').waitFor();
    await workspace.openGate('b1');
    await page.getByText('1 of 3 done').waitFor();
    expect(await page.locator('progress').getAttribute('value')).toBe('1');
    await shot('batch-running');
    await workspace.openGate('b0');
    await workspace.openGate('b2');
    await page.getByText('3 of 3 done').waitFor();
    await page.locator('h1 .badge.status-completed').waitFor();
    await shot('batch');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download outputs (JSONL)' }).click(),
    ]);
    const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).result.result.greeting)).toEqual([
      'Hello, b0!',
      'Hello, b1!',
      'Hello, b2!',
    ]);
    // The batches page lists it (from the service, not from this tab's history).
    const batchId = page.url().split('/').pop()!;
    await page.goto(`${service.url}/#/batches`);
    const row = page.locator(`tr[data-batch="${batchId}"]`);
    await row.locator('.badge.status-completed').waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe('3');
    await shot('batches');
  });

  it('lists every component with its schemas', async () => {
    await page.goto(`${service.url}/#/components`);
    const hold = page.locator('.components li', { hasText: '/hold' });
    await hold.locator('summary').click();
    await expect.poll(() => hold.textContent()).toContain('"key"');
    expect(await page.locator('.components li', { hasText: '(builtin)' }).count()).toBeGreaterThan(
      3,
    );
    await shot('components');
  });

  it('answers a question with a form and sees the run finish', async (context) => {
    const listed = await service.api('questions');
    if (listed.status === 404)
      context.skip('GET /api/v1/questions answers 404: this service has no human-in-the-loop yet');
    const stored = await service.api('flows', { body: { flow: ASK_FLOW } });
    const run = await service.api('runs', {
      body: { flowId: stored.body.flowId, input: {}, wait: false },
    });
    await page.goto(`${service.url}/#/questions`);
    const question = page.locator(`article.question[data-run="${run.body.runId}"]`);
    await question.waitFor();
    await question.getByLabel('reason', { exact: false }).fill('no');
    await question.getByRole('button', { name: 'Send answer' }).click();
    await expect.poll(() => question.locator('.field-error').first().textContent()).toContain('3');
    await shot('questions');
    await question.getByLabel('reason', { exact: false }).fill('looks good');
    await question.getByRole('button', { name: 'Send answer' }).click();
    await question.waitFor({ state: 'detached' });
    await page.goto(`${service.url}/#/runs/${run.body.runId}`);
    await page.locator('h1 .badge.status-completed').waitFor();
  });

  it('labels every control and moves between pages with the keyboard', async () => {
    for (const hash of ['#/runs', '#/flows', '#/batches', '#/questions', '#/components']) {
      await page.goto(`${service.url}/${hash}`);
      await page.locator('main h1').waitFor();
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea, button, a[href]')]
          .filter((el) => {
            const labels = (el as HTMLInputElement).labels;
            const name =
              el.getAttribute('aria-label') ??
              (labels !== null && labels !== undefined && labels.length > 0
                ? labels[0]!.textContent
                : null) ??
              el.textContent;
            return (name ?? '').trim() === '';
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, hash).toEqual([]);
    }
    // A fresh load, not a same-page hash change, so focus starts at the top.
    await page.goto('about:blank');
    await page.goto(`${service.url}/#/runs`);
    await page.locator('main h1').waitFor();
    // Tab from the top of the page: skip link first, then the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Runs');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/flows$/);
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      for (const hash of ['#/runs', '#/flows', '#/components']) {
        await phone.goto(`${service.url}/${hash}`);
        await phone.locator('main h1').waitFor();
        const overflow = await phone.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow, hash).toBeLessThanOrEqual(0);
      }
      await phone.goto(`${service.url}/#/runs`);
      await phone.locator('tbody tr').first().waitFor();
      await shot('runs-phone', phone);
    } finally {
      await phone.close();
    }
  });
});

describe('the web UI behind a token', () => {
  it('asks for the token, keeps it for the tab, and refuses a wrong one', async () => {
    const guarded = await startService(workspace.dir, [
      '--store',
      'memory',
      '--token',
      'open-sesame',
    ]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const tab = await context.newPage();
      await tab.goto(`${guarded.url}/#/runs`);
      await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
      await shot('sign-in', tab);
      await tab.getByLabel('Token').fill('wrong');
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByText('That token was refused.').waitFor();
      await tab.getByLabel('Token').fill('open-sesame');
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByRole('heading', { name: 'Runs' }).waitFor();
      await tab.reload();
      await tab.getByRole('heading', { name: 'Runs' }).waitFor();
      expect(await tab.evaluate(() => sessionStorage.getItem('stepflow.token'))).toBe(
        'open-sesame',
      );
    } finally {
      await context.close();
      expect(await guarded.stop()).toBe(0);
    }
  });
});
