// Readiness: the board's heatmap (filters, drill-down, CSV, print), a self-assessment recorded
// offline that counts once synced, a buddy reviewer's mini-inspection counted as the
// independent source, the trust's Well-led rated as a whole, the reviewer's switch between
// trusts, and their peer review, refused once the grant has ended. This spec starts its own
// server over a fresh demo trust (with its six months of history), so it can take the server
// away.
import { test, expect, Page, Browser } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, DEMO_PASSWORD, controlled, kill, serve } from './helpers';

const PORT = 3197;
const BASE = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'readyward-readiness-'));
let server: ChildProcess | undefined;

async function up() {
  if (!server) server = await serve(PORT, dataDir);
}

async function down() {
  if (!server) return;
  await kill(server);
  server = undefined;
}

test.beforeAll(async () => {
  execFileSync(BIN, ['seed-demo', '--data-dir', dataDir]);
  await up();
});

test.afterAll(down);

async function signIn(page: Page, email: string) {
  await page.goto(`${BASE}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** The id of a ward the signed-in user may see, by name. */
async function wardId(page: Page, name: string): Promise<string> {
  const units = await (await page.request.get(`${BASE}/api/v1/units`)).json();
  const unit = units.find((u: { name: string }) => u.name === name);
  expect(unit, name).toBeTruthy();
  return unit.id;
}

test('the board reads the heatmap, filters to flagged cells, drills in, downloads the CSV and prints the pack', async ({ page }) => {
  await signIn(page, 'board@demo.nhs.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Readiness' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Readiness');
  await expect(page.getByText(/Indicative ratings as at/)).toBeVisible();
  // One table per site, the trust's first; ratings in words, never colour alone.
  await expect(page.locator('table.heatmap caption').first()).toContainText('the trust as a whole');
  await expect(page.locator('table.heatmap caption', { hasText: "St Aidan's Hospital" })).toBeVisible();
  await expect(page.locator('td.heat--inadequate').first()).toContainText('Inadequate');
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

  // Only flagged wards, Safe only.
  await page.getByLabel('Key question').selectOption({ label: 'Safe' });
  await page.getByLabel('Only wards with flagged cells').check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/flagged=1/);
  await expect(page.locator('table.heatmap thead').first()).toContainText('Safe');
  await expect(page.locator('table.heatmap thead').first()).not.toContainText('Caring');
  const flagged = page.locator('td.heat', { hasText: 'flag' }).locator('a').first();
  await expect(flagged).toBeVisible();

  // The CSV holds what is on screen, safe to open in a spreadsheet.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv).toContain('Indicative readiness as at');
  expect(csv).toContain('"Level","Site","Name","Safe","Overall"');
  expect(csv).not.toMatch(/(^|,)"[=+\-@]/m);

  // The printed pack: filters and buttons gone, the date and "indicative" on every page.
  await page.evaluate(() => {
    (window as unknown as { printed: boolean }).printed = false;
    window.print = () => {
      (window as unknown as { printed: boolean }).printed = true;
    };
  });
  await page.getByRole('button', { name: 'Print board pack' }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: boolean }).printed)).toBe(true);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('form', { name: 'Filters' })).toBeHidden();
  await expect(page.getByText(/^Indicative readiness as at/).first()).toBeVisible();
  await page.emulateMedia({ media: 'screen' });

  // A flagged cell opened up: the three sources and the flags' reasons.
  await flagged.click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Safe at ');
  await expect(page.getByRole('heading', { name: 'The three sources' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Mini-inspections/ })).toBeVisible();
  await expect(page.locator('.flag-list li').first()).toContainText(':');
  await expect(page.getByRole('heading', { name: 'Findings' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Trend over six months' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Score at the end of each month/ })).toBeVisible();

  // The failing ward's Safe: what was not in place first, with the photos taken of it.
  const elm = await wardId(page, 'Elm Ward - Care of older people');
  await page.goto(`${BASE}/readiness/wards/${elm}?kq=safe`);
  const photo = page.locator('.evidence-list__photos img').first();
  await expect(photo).toBeVisible();
  await expect(photo).toHaveAttribute('alt', /Photo with the finding on S/);
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.locator('.evidence-list__item').first()).toContainText('Not met');

  // Any cell opens: the trust's Safe, how it was reached, and the sites, services and wards beneath.
  await page.goto(`${BASE}/readiness`);
  await page.locator('tr.heatmap__row--trust td').first().locator('a').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Safe at Northfield Hospitals NHS Foundation Trust');
  await expect(page.getByText(/Aggregated from \d+ rated sites by the CQC's ratings principles/)).toBeVisible();
  await page.locator('#beneath tbody a').first().click();
  await expect(page.locator('#beneath caption')).toHaveText('The core services beneath');
  await page.locator('#beneath tbody a').first().click();
  await expect(page.locator('#beneath caption')).toHaveText('The wards beneath');
  await page.locator('#beneath tbody a').first().click();
  await expect(page.getByRole('heading', { name: 'The three sources' })).toBeVisible();
  // A service under a notice says so.
  await page.goto(`${BASE}/readiness`);
  await page.locator('tr.heatmap__row--service td', { hasText: 'warning notice' }).first().locator('a').click();
  await expect(page.getByText('A warning notice limits this rating until it is lifted.')).toBeVisible();
});

test('an inspector records a self-assessment offline and sees it counted after sync', async ({ page }) => {
  await up();
  await signIn(page, 'inspector@demo.nhs.test');
  const cedar = await wardId(page, 'Cedar Ward');
  await page.goto(`${BASE}/wards/${cedar}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cedar Ward');
  await page.getByRole('link', { name: 'Record a self-assessment of this ward' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Self-assessment: Cedar Ward');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await controlled(page);

  // The server goes away; the page reloads from the device.
  await down();
  await page.reload();
  await page.locator('body[data-mounted="true"]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Self-assessment: Cedar Ward');
  // Nothing chosen: the errors say what to fix, next to the fields.
  await page.getByRole('button', { name: 'Save rating' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
  await expect(page.getByText('Choose a rating').first()).toBeVisible();
  await page.getByLabel('Key line of enquiry').selectOption('S1');
  await page.getByLabel('Outstanding').check();
  await page.getByLabel('What the rating rests on').fill('Safeguarding audit 100%, every nurse trained');
  await page.getByRole('button', { name: 'Save rating' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'saved on this tablet' })).toBeVisible();
  await expect(page.locator('.card-list li', { hasText: 'S1: Outstanding' })).toBeVisible();
  await expect(page.getByText('Readiness shows here when this tablet is online.')).toBeVisible();

  // Back online, "Sync now" sends it and the ward's readiness counts it.
  await up();
  await page.getByRole('button', { name: 'Sync now' }).first().click();
  await expect(page.getByText('Nothing waits: every rating saved here has reached the server.')).toBeVisible({ timeout: 20_000 });
  const safe = page.locator('#ward-readiness').getByRole('row', { name: /Safe/ });
  await expect(safe).toContainText('1 rating');
});

async function reviewerPage(browser: Browser) {
  const context = await browser.newContext({ baseURL: BASE });
  const page = await context.newPage();
  await signIn(page, 'reviewer@buddy.nhs.test');
  return { context, page };
}

test('a buddy reviewer runs a mini-inspection of a ward they review, counted as the independent source', async ({ browser }) => {
  await up();
  const { context, page } = await reviewerPage(browser);
  page.on('dialog', (d) => d.accept());
  const oak = await wardId(page, 'Oak Ward - Care of older people');
  await page.goto(`${BASE}/wards/${oak}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Oak Ward - Care of older people');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  // The reviewed trust's checklists only: the walk-round is on offer.
  await expect(page.getByLabel('Checklist')).toContainText('walk-round');
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  const cards = page.locator('fieldset.prompt-card');
  await cards.first().getByRole('radio', { name: 'Not met', exact: true }).check();
  await cards.nth(1).getByRole('radio', { name: 'Not met', exact: true }).check();
  await page.getByRole('button', { name: 'Finish inspection' }).click();
  await expect(page.getByText('This inspection is finished.')).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('All changes synced', { timeout: 20_000 });

  // The board sees it as the peer review source, never as the trust's own mini-inspection.
  const board = await browser.newContext({ baseURL: BASE });
  const boardPage = await board.newPage();
  await signIn(boardPage, 'board@demo.nhs.test');
  const report = await (await boardPage.request.get(`${BASE}/api/v1/readiness?unit_id=${oak}`)).json();
  const safe = report.units[0].key_questions.find((c: { code: string }) => c.code === 'safe');
  expect(safe.sources.peer_review.count).toBe(2);
  await boardPage.goto(`${BASE}/wards/${oak}`);
  await expect(boardPage.locator('#ward-readiness').getByRole('row', { name: /Safe/ })).toContainText('2 items');
  // Opened up, Safe lists the reviewer's findings, what was not in place first.
  await boardPage.goto(`${BASE}/readiness/wards/${oak}?kq=safe`);
  await expect(boardPage.getByRole('heading', { level: 1 })).toHaveText('Safe at Oak Ward - Care of older people');
  await expect(boardPage.getByRole('heading', { name: 'Findings' })).toBeVisible();
  const theirs = boardPage.locator('.evidence-list__item', { hasText: 'Peer review (buddy trust)' });
  await expect(theirs.first()).toContainText('Not met');
  await board.close();
  await context.close();
});

test("the trust's Well-led is rated for the trust as a whole, and a buddy reviewer switches between the trusts they see", async ({ browser }) => {
  await up();
  const admin = await browser.newContext({ baseURL: BASE });
  const adminPage = await admin.newPage();
  await signIn(adminPage, 'admin@demo.nhs.test');
  await adminPage.goto(`${BASE}/readiness`);
  await adminPage.getByRole('link', { name: "Rate the trust's Well-led" }).click();
  await expect(adminPage.getByRole('heading', { level: 1 })).toHaveText('Self-assessment: Well-led at Northfield Hospitals NHS Foundation Trust');
  await adminPage.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  // Only Well-led's key lines of enquiry are rated for the trust as a whole.
  await expect(adminPage.locator('#rate-item option[value="S1"]')).toHaveCount(0);
  await adminPage.getByLabel('Key line of enquiry').selectOption('W1');
  await adminPage.getByLabel('Good', { exact: true }).check();
  await adminPage.getByLabel('What the rating rests on').fill('Board strategy refreshed with staff; survey engagement up');
  await adminPage.getByRole('button', { name: 'Save rating' }).click();
  await expect(adminPage.getByText('Nothing waits: every rating saved here has reached the server.')).toBeVisible({ timeout: 20_000 });
  await expect(adminPage.locator('#trust-well-led')).toContainText('From the trust-level self-assessment and peer review.');
  const axe = await new AxeBuilder({ page: adminPage }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  await admin.close();

  // The reviewer opens on the trust they review and switches to their own, where they rate nothing.
  const { context, page } = await reviewerPage(browser);
  await page.goto(`${BASE}/readiness`);
  const trusts = page.getByRole('navigation', { name: 'Trusts you can see' });
  await expect(trusts.getByRole('link', { name: 'Northfield Hospitals NHS Foundation Trust' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('table.heatmap caption').first()).toContainText('Northfield');
  await trusts.getByRole('link', { name: 'Riverside Teaching Hospitals NHS Trust' }).click();
  await expect(page.locator('table.heatmap caption').first()).toContainText('Riverside');
  await expect(page.getByRole('link', { name: "Rate the trust's Well-led" })).toHaveCount(0);
  await trusts.getByRole('link', { name: 'Northfield Hospitals NHS Foundation Trust' }).click();
  await page.getByRole('link', { name: "Rate the trust's Well-led" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Peer review: Well-led at Northfield Hospitals NHS Foundation Trust');
  await context.close();
});

test('a buddy reviewer records a peer review, and once the grant has ended it is refused with the date', async ({ browser }) => {
  await up();
  const { context, page } = await reviewerPage(browser);
  const cedar = await wardId(page, 'Cedar Ward');
  await page.goto(`${BASE}/wards/${cedar}/rate`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Peer review: Cedar Ward');
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByLabel('Key line of enquiry').selectOption('S2');
  await page.getByLabel('Requires improvement').check();
  await page.getByLabel('What the rating rests on').fill('Buddy walk-round: medicines fridge log gaps');
  await page.getByRole('button', { name: 'Save rating' }).click();
  await expect(page.getByText('Nothing waits: every rating saved here has reached the server.')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('#ward-readiness').getByRole('row', { name: /Safe/ })).toContainText('1 item');

  // The trust ends the reviewer's access.
  const admin = await browser.newContext({ baseURL: BASE });
  const adminPage = await admin.newPage();
  await signIn(adminPage, 'admin@demo.nhs.test');
  await adminPage.goto(`${BASE}/admin`);
  await adminPage.getByRole('button', { name: /End access/ }).first().click();
  await expect(adminPage.getByRole('button', { name: /End access/ })).toHaveCount(0);
  await admin.close();

  // The reviewer's next rating, from the page still open, is refused with the reason.
  await page.getByLabel('Key line of enquiry').selectOption('S3');
  await page.getByLabel('Good', { exact: true }).check();
  await page.getByLabel('What the rating rests on').fill('Staffing matched the rota');
  await page.getByRole('button', { name: 'Save rating' }).click();
  await expect(page.getByText(/Refused by the server: your review grant for this trust ended on/)).toBeVisible({ timeout: 20_000 });
  // And the ward is no longer theirs to see.
  await page.goto(`${BASE}/wards/${cedar}/rate`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/not found/i);
  await context.close();
});
