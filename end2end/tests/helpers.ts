import { expect, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The release binary and the built site, as scripts/test.sh exports them. */
export const BIN = process.env.READYWARD_BIN ?? path.resolve(__dirname, '../../target/release/readyward');
export const SITE = process.env.READYWARD_SITE_ROOT ?? path.resolve(__dirname, '../../target/site');

/** Starts a ReadyWard server of its own for a spec that must stop it (or change its files),
 *  and waits until it answers. */
export async function serve(port: number, dataDir: string, siteRoot = SITE): Promise<ChildProcess> {
  const server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', dataDir, '--site-root', siteRoot], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill('SIGKILL');
  throw new Error('the server did not start');
}

/** Kills a server started by `serve` and waits until it has gone. */
export async function kill(server: ChildProcess) {
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGKILL');
  await exited;
}

/** The demo users' password, as scripts/test.sh seeded them. */
export const DEMO_PASSWORD = process.env.READYWARD_DEMO_PASSWORD ?? 'readyward-demo-2026';

/** Signs in through the page, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Waits until the wasm bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/** Waits until the service worker controls the page, so a reload works with the server gone. */
export async function controlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
}
