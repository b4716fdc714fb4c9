// A new version of the app: the service worker downloads it in the background, the page offers
// it, and it is applied only when the user agrees, never in the middle of an inspection. This
// spec serves a copy of the site so it can publish a "new build" by changing the worker's id.
import { test, expect, Page } from '@playwright/test';
import { execFileSync, ChildProcess } from 'node:child_process';
import { BIN, SITE, kill, serve } from './helpers';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PORT = 3198;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = process.env.READYWARD_DEMO_PASSWORD ?? 'readyward-demo-2026';

const work = mkdtempSync(path.join(os.tmpdir(), 'readyward-update-'));
const site = path.join(work, 'site');
const dataDir = path.join(work, 'data');
let server: ChildProcess | undefined;

test.beforeAll(async () => {
  cpSync(SITE, site, { recursive: true });
  execFileSync(BIN, ['seed-demo', '--data-dir', dataDir]);
  server = await serve(PORT, dataDir, site);
});

test.afterAll(async () => {
  if (server) await kill(server);
  rmSync(work, { recursive: true, force: true });
});

/** Publishes a new build as far as the service worker can tell: its id changes. */
function publishNewBuild(): string {
  const file = path.join(site, 'sw.js');
  const id = `next-${Date.now()}`;
  const text = readFileSync(file, 'utf8');
  expect(text).toMatch(/const BUILD_ID = '[^']+';/);
  writeFileSync(file, text.replace(/const BUILD_ID = '[^']+';/, `const BUILD_ID = '${id}';`));
  return id;
}

/** The build id of the service worker that controls the page. */
async function controllingBuild(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((ok) => {
        navigator.serviceWorker.addEventListener('message', (e) => {
          if (e.data?.type === 'BUILD_ID') ok(e.data.id);
        });
        navigator.serviceWorker.controller!.postMessage({ type: 'BUILD_ID' });
      }),
  );
}

test('a new version waits until the user agrees, and never interrupts an inspection', async ({ page }) => {
  await page.goto(`${BASE}/sign-in`);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Email').fill('inspector@demo.nhs.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
  const first = await controllingBuild(page);

  // In the middle of an inspection, the new version downloads but is not offered.
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\//);
  await page.locator('fieldset.prompt-card').first().getByRole('radio', { name: 'Met', exact: true }).check();
  const next = publishNewBuild();
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration!.update();
    const waiting = () => registration!.waiting;
    while (!waiting()) await new Promise((r) => setTimeout(r, 100));
  });
  await page.waitForTimeout(1000);
  await expect(page.getByRole('region', { name: 'Update' })).toHaveCount(0);
  expect(await controllingBuild(page)).toBe(first);

  // Once the inspector leaves the inspection, the update is offered; the old version carries on
  // until they agree.
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  const banner = page.getByRole('region', { name: 'Update' });
  await expect(banner).toContainText('A new version of ReadyWard is ready. Your saved work is kept when you update.');
  expect(await controllingBuild(page)).toBe(first);

  // Agreeing switches to the new version, which reloads the page and drops the old cache.
  await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Update now' }).click()]);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  expect(await controllingBuild(page)).toBe(next);
  expect(await page.evaluate(() => caches.keys())).toEqual([`readyward-${next}`]);
  await expect(page.getByRole('region', { name: 'Update' })).toHaveCount(0);
  // The answer recorded before the update is still on the device.
  await expect(page.getByRole('status')).toHaveText('All changes synced');
});
