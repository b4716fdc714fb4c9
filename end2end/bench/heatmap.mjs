// Benchmark of the board's heatmap in Chromium (not a test: it measures and prints).
//   node end2end/bench/heatmap.mjs [wards]   (after scripts/build.sh; starts its own server)
// Seeds `readyward seed-load` (100 wards by default, a year of monthly inspections), signs the
// board member in, and opens /readiness five times: from navigation start to the app hydrated
// (`body[data-hydrated]`) and to every ward's row of the heatmap on screen (time to
// interactive). The first visit computes every ward; later ones are answered from what the
// server kept.
import { chromium } from '../node_modules/playwright/index.mjs';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'target/release/readyward');
const SITE = path.join(root, 'target/site');
const PORT = 3297;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'readyward-bench-2026';
const wards = Number(process.argv[2] ?? 100);
const data = mkdtempSync(path.join(os.tmpdir(), 'readyward-bench-heatmap-'));

execFileSync(BIN, ['seed-load', '--data-dir', data, '--wards', String(wards)], {
  env: { ...process.env, READYWARD_DEMO_PASSWORD: PASSWORD },
});
const server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${PORT}`, '--data-dir', data, '--site-root', SITE], { stdio: 'ignore' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${BASE}/healthz`)).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${BASE}/sign-in`);
  await page.getByLabel('Email').fill('board@load.nhs.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const rows = [];
  for (let visit = 1; visit <= 5; visit++) {
    await page.goto(`${BASE}/readiness`);
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
    const hydrated = await page.evaluate(() => performance.now());
    await page.locator('table.heatmap a', { hasText: `Ward ${wards}` }).first().waitFor();
    const shown = await page.evaluate(() => performance.now());
    rows.push({ visit, hydrated: hydrated.toFixed(0), all_wards_shown: shown.toFixed(0) });
  }
  console.log(`/readiness for a ${wards}-ward trust, ms from navigation start:`);
  console.table(rows);
} finally {
  await browser.close();
  server.kill('SIGKILL');
}
