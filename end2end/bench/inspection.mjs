// Benchmarks of the ward inspection on a device (not a test: it measures and prints).
//   node end2end/bench/inspection.mjs        (after scripts/build.sh; starts its own server)
// 1. Recording an answer: from the tap to the finding and its outbox entry committed in
//    IndexedDB (the app's own `readyward:record` User Timing measures), p50/p95/max.
// 2. With the server stopped, a reload of the inspection page until the inspection shows
//    (`readyward:inspection-shown`, from navigation start).
// 3. Compressed size (brotli, quality 11) of everything a first visit to the sign-in page fetches
//    until it is interactive, and of the lazy-route chunks the service worker fetches later.
import { chromium } from '../node_modules/playwright/index.mjs';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'target/release/readyward');
const SITE = path.join(root, 'target/site');
const PORT = 3299;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'readyward-bench-2026';
const data = mkdtempSync(path.join(os.tmpdir(), 'readyward-bench-'));

execFileSync(BIN, ['seed-demo', '--data-dir', data], { env: { ...process.env, READYWARD_DEMO_PASSWORD: PASSWORD } });
const server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${PORT}`, '--data-dir', data, '--site-root', SITE], { stdio: 'ignore' });
for (let i = 0; i < 100; i++) {
  try { if ((await fetch(`${BASE}/healthz`)).ok) break; } catch {}
  await new Promise((r) => setTimeout(r, 100));
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (x) => x.toFixed(1);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
// What a first visit to the sign-in page fetches until it is interactive (a fresh browser:
// no service worker yet, nothing cached).
const first = await browser.newContext();
const firstPage = await first.newPage();
const fetched = [];
firstPage.on('requestfinished', (r) => {
  const url = new URL(r.url());
  if (url.origin === BASE) fetched.push(url.pathname);
});
await firstPage.goto(`${BASE}/sign-in`);
await firstPage.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
await first.close();
const page = await browser.newPage({ viewport: { width: 768, height: 1024 } });
const signInHtml = await (await fetch(`${BASE}/sign-in`)).arrayBuffer();
await page.goto(`${BASE}/sign-in`);
await page.getByLabel('Email').fill('inspector@demo.nhs.test');
await page.getByLabel('Password').fill(PASSWORD);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.locator('.tree').getByRole('link', { name: /Ward 10 - Stroke/ }).click();
await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
await page.evaluate(async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
});
await page.getByRole('button', { name: 'Start inspection' }).click();
await page.waitForURL(/\/inspections\//);
const cards = page.locator('fieldset.prompt-card');
await cards.first().waitFor();
const count = await cards.count();
// Taps are dispatched on the page itself, 100 ms apart (a brisk inspector): driving each one
// through Playwright's check() runs its actionability checks on the page's main thread during
// the write, which a real tap does not do. That figure is measured too, for comparison.
await page.evaluate(async () => {
  for (const value of ['met', 'not_met', 'partially_met']) {
    for (const radio of document.querySelectorAll(`fieldset.prompt-card input[type=radio][value=${value}]`)) {
      radio.click();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
await page.waitForTimeout(500);
const record = stats(await page.evaluate(() => performance.getEntriesByName('readyward:record').map((e) => e.duration)));
await page.evaluate(() => performance.clearMeasures('readyward:record'));
for (let i = 0; i < count; i++) await cards.nth(i).getByRole('radio', { name: 'Not applicable', exact: true }).check();
await page.waitForTimeout(500);
const driven = stats(await page.evaluate(() => performance.getEntriesByName('readyward:record').map((e) => e.duration)));

server.kill('SIGKILL');
await new Promise((r) => server.once('exit', r));
const reloads = [];
for (let i = 0; i < 10; i++) {
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('readyward:inspection-shown').length > 0);
  reloads.push(await page.evaluate(() => performance.getEntriesByName('readyward:inspection-shown')[0].startTime));
}
const reload = stats(reloads);
await browser.close();

const files = [
  ['/sign-in (HTML)', Buffer.from(signInHtml)],
  ...[...new Set(fetched)].filter((p) => p !== '/sign-in').sort().map((p) => [p, readFileSync(path.join(SITE, p))]),
];
// The lazy routes' chunks: not needed for the first page; the service worker fetches them in
// the background once installed, so every screen also opens offline.
const chunks = readdirSync(path.join(SITE, 'pkg'))
  .filter((f) => f.endsWith('.wasm') && !fetched.includes(`/pkg/${f}`))
  .map((f) => readFileSync(path.join(SITE, 'pkg', f)));
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => (n / 1024).toFixed(1);
console.log(`\n## Recording an answer (${record.n} taps, ${count} prompts x 3)\n`);
console.log(`| taps | p50 | p95 | max |\n|---|---|---|---|`);
console.log(`| on the page, 100 ms apart | ${fmt(record.p50)} ms | ${fmt(record.p95)} ms | ${fmt(record.max)} ms |`);
console.log(`| Playwright check(), ${driven.n} taps | ${fmt(driven.p50)} ms | ${fmt(driven.p95)} ms | ${fmt(driven.max)} ms |`);
console.log(`\n## Offline reload of the inspection page until it shows (${reload.n} reloads)\n`);
console.log(`| p50 | p95 | max |\n|---|---|---|\n| ${fmt(reload.p50)} ms | ${fmt(reload.p95)} ms | ${fmt(reload.max)} ms |`);
console.log('\n## First page download\n\n| file | raw KB | gzip KB | brotli-11 KB |\n|---|---|---|---|');
let total = 0;
let code = 0;
for (const [name, bytes] of files) {
  const b = br(bytes);
  total += b;
  if (name.endsWith('.wasm') || name.startsWith('/pkg/') && name.endsWith('.js')) code += b;
  console.log(`| ${name} | ${kb(bytes.length)} | ${kb(gzipSync(bytes, { level: 9 }).length)} | ${kb(b)} |`);
}
console.log(`\nbrotli total ${kb(total)} KB; wasm + js ${kb(code)} KB (budget 400 KB)`);
const chunkBytes = chunks.reduce((n, b) => n + br(b), 0);
console.log(`${chunks.length} lazy-route chunks, precached later by the service worker: ${kb(chunkBytes)} KB brotli`);
