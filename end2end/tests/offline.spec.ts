// The installable, offline-capable shell. This spec starts and stops its own server so it can
// take it away for real (setOffline does not reliably cut service-worker traffic).
import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withExif, headerMarkers } from './exif';
import { BIN, kill, serve } from './helpers';

const PORT = 3199;
const BASE = `http://127.0.0.1:${PORT}`;

const PASSWORD = process.env.READYWARD_DEMO_PASSWORD ?? 'readyward-demo-2026';

/** Fills in the sign-in form as the demo inspector and presses "Sign in". */
async function signIn(page: Page, password = PASSWORD) {
  await page.getByLabel('Email').fill('inspector@demo.nhs.test');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

let server: ChildProcess | undefined;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'readyward-offline-'));

async function startServer() {
  server = await serve(PORT, dataDir);
}

async function stopServer() {
  if (!server) return;
  await kill(server);
  server = undefined;
}

/** Waits until the service worker has installed and controls the page. */
async function controlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
}

test.beforeAll(async () => {
  execFileSync(BIN, ['seed-demo', '--data-dir', dataDir]);
  await startServer();
});

test.afterAll(async () => {
  await stopServer();
});

test('the app is installable and opens with the server gone', async ({ page }) => {
  const manifest = await (await fetch(`${BASE}/manifest.webmanifest`)).json();
  expect(manifest.display).toBe('standalone');
  for (const size of ['192x192', '512x512']) {
    expect(manifest.icons.some((i: any) => i.sizes === size && i.purpose === 'maskable')).toBe(true);
  }

  await page.goto(`${BASE}/sign-in`);
  await controlled(page);
  const cached = await page.evaluate(async () => {
    const keys = (await caches.keys()).filter((k) => k.startsWith('readyward-'));
    const cache = await caches.open(keys[0]);
    return { keys, urls: (await cache.keys()).map((r) => new URL(r.url).pathname) };
  });
  expect(cached.keys).toHaveLength(1);
  expect(cached.urls).toEqual(expect.arrayContaining(['/pkg/readyward_bg.wasm', '/pkg/readyward.js', '/shell.html']));
  expect(cached.urls.some((u: string) => u.startsWith('/api/'))).toBe(false);

  await stopServer();
  await page.goto(`${BASE}/`);
  await page.locator('body[data-mounted="true"]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('status')).toBeVisible();
  // The API is never answered from a cache.
  const apiOffline = await page.evaluate(async () => {
    try {
      await fetch('/api/v1/frameworks');
      return 'answered';
    } catch {
      return 'failed';
    }
  });
  expect(apiOffline).toBe('failed');

  await startServer();
  await page.goto(`${BASE}/sign-in`);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
});

test('a page that loaded without the service worker is taken over, so it works offline', async ({ page }) => {
  if (!server) await startServer();
  await page.goto(`${BASE}/sign-in`);
  await controlled(page);
  // A hard reload bypasses the worker, so the page starts uncontrolled: the same as a page
  // whose navigation began while the worker was still installing.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.reload', { ignoreCache: true });
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
});

/** Answers the n-th prompt card on the page with the given choice. */
async function answer(page: Page, index: number, choice: string) {
  const card = page.locator('fieldset.prompt-card').nth(index);
  await card.getByRole('radio', { name: choice, exact: true }).check();
  return card;
}

test('an inspection started online carries on with the server gone', async ({ page }) => {
  if (!server) await startServer();
  await page.goto(`${BASE}/sign-in`);
  await signIn(page);
  await page.locator('.tree').getByRole('link', { name: /Ward 10 - Stroke/ }).click();
  // The ward's page is a lazy route: the address changes once its chunk has loaded.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ward 10 - Stroke');
  await expect(page).toHaveURL(/\/wards\/[0-9a-f-]{36}$/);
  // The ward's page loaded on its own hydrates too.
  await page.reload();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await controlled(page);
  await expect(page.getByLabel('Checklist')).toBeVisible();
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ward 10 - Stroke');

  // A note first, then five answers: each answer is one queued change, after the start.
  const first = page.locator('fieldset.prompt-card').first();
  await first.getByLabel('Note', { exact: true }).fill('Sharps bin overfull in bay 2');
  await first.getByLabel('Note', { exact: true }).blur();
  const choices = ['Met', 'Partially met', 'Not met', 'Not applicable', 'Met'];
  for (let i = 0; i < 5; i++) await answer(page, i, choices[i]);
  // With the server there, the outbox drains by itself.
  await expect(page.getByRole('status')).toHaveText('All changes synced');

  // A 12-megapixel camera photo, carrying the camera's make and a GPS position, is downscaled on
  // the device and uploads after the finding that names it.
  const camera = withExif(readFileSync(path.resolve(__dirname, '../fixtures/ward-photo.jpg')));
  await first.getByLabel('Add photo').setInputFiles({ name: 'ward-photo.jpg', mimeType: 'image/jpeg', buffer: camera });
  const thumbnail = first.getByRole('img', { name: /^Photo 1 for / });
  await expect(thumbnail).toBeVisible();
  const size = await thumbnail.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(size).toEqual([1536, 2048]);
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  await expect(page.getByRole('heading', { name: /^5 of \d+ prompts answered$/ })).toBeVisible();

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

  // The server goes away; a reload opens the same inspection from the device.
  await stopServer();
  await page.reload();
  await page.locator('body[data-mounted="true"]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ward 10 - Stroke');
  for (let i = 0; i < 5; i++) {
    const card = page.locator('fieldset.prompt-card').nth(i);
    await expect(card.getByRole('radio', { name: choices[i], exact: true })).toBeChecked();
  }
  await expect(first.getByLabel('Note', { exact: true })).toHaveValue('Sharps bin overfull in bay 2');
  await expect(first.getByRole('img', { name: /^Photo 1 for / })).toBeVisible();
  // Back at the prompt last worked on.
  await expect(page).toHaveURL(/#prompt-/);
  await expect(page.locator('fieldset.prompt-card').nth(4)).toBeInViewport();
  // Opened again without the address saying where (a restarted tablet), it still goes there.
  await page.goto(page.url().split('#')[0]);
  await page.locator('body[data-mounted="true"]').waitFor({ state: 'attached' });
  await expect(page.locator('fieldset.prompt-card').nth(4)).toBeInViewport();

  // Five more answers offline, then finish: the status counts what waits.
  for (let i = 5; i < 10; i++) await answer(page, i, 'Met');

  // A patient interview, tagged to the KLOE it informs.
  await page.getByRole('radio', { name: 'Patient', exact: true }).check();
  await page.getByLabel(/^C1 /).check();
  await page.getByLabel('Interview note', { exact: true }).fill('Staff were kind and explained my tablets');
  await page.getByRole('button', { name: 'Save interview note' }).click();
  await expect(page.locator('.user', { hasText: 'Staff were kind' })).toContainText('C1');
  await expect(page.getByRole('status')).toHaveText(/(^|\. )6 changes waiting to sync$/);

  // The summary counts answers by key question, and the photos, before finishing.
  await expect(page.getByRole('row', { name: /^Safe/ })).toBeVisible();
  await expect(page.locator('.summary-photos')).toHaveText(/^1 photo, for [A-Z]\d+\.\d+\.$/);
  await page.getByRole('button', { name: 'Finish inspection' }).click();
  await expect(page.getByText('This inspection is finished.')).toBeVisible();
  await expect(page.getByRole('status')).toHaveText(/(^|\. )7 changes waiting to sync$/);
  await expect(page.getByRole('status')).toHaveText(/^Sync failed: no connection\. /);
  await expect(page.getByRole('button', { name: 'Save interview note' })).toBeDisabled();
  await expect(page.locator('fieldset.prompt-card').first().getByRole('radio', { name: 'Met', exact: true })).toBeDisabled();

  // The server comes back: "Sync now" sends everything. The server holds exactly what was
  // recorded, and its copy of the photo carries no metadata at all.
  await startServer();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  const id = new URL(page.url()).pathname.split('/').pop();
  const held = await page.evaluate(async (id) => (await fetch(`/api/v1/inspections/${id}`)).json(), id);
  expect(held.status).toBe('submitted');
  expect(held.findings).toHaveLength(10);
  expect(held.findings.find((f: any) => f.note === 'Sharps bin overfull in bay 2').photo_ids).toHaveLength(1);
  expect(held.interviews).toHaveLength(1);
  expect(held.photos).toEqual([{ id: expect.any(String), held: true }]);
  for (const variant of ['', '/thumbnail']) {
    const photo = await page.request.get(`${BASE}/api/v1/photos/${held.photos[0].id}${variant}`);
    expect(photo.status()).toBe(200);
    expect(photo.headers()['content-type']).toBe('image/jpeg');
    const bytes = await photo.body();
    expect(headerMarkers(bytes).filter((m) => (m >= 0xe1 && m <= 0xef) || m === 0xfe)).toEqual([]);
    for (const needle of ['Exif', 'ReadyCam', 'Ward Tablet']) expect(bytes.includes(needle)).toBe(false);
  }
  // The inspection is finished and the server has all of it: it has left the device, photos
  // and all (the shared-tablet rules are tested in tablet.spec.ts).
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Inspection not found' })).toBeVisible();

  // A change the server refuses waits on the ledger with the reason, and blocks nothing.
  await page.evaluate(async (userId) => {
    const db: IDBDatabase = await new Promise((ok) => { const r = indexedDB.open('readyward'); r.onsuccess = () => ok(r.result); });
    await new Promise((ok) => {
      const tx = db.transaction('outbox', 'readwrite');
      tx.objectStore('outbox').add({ user_id: userId, queued_at: new Date().toISOString(),
        mutation: { id: crypto.randomUUID(), kind: 'photo.teleport', data: { id: crypto.randomUUID() } } });
      tx.oncomplete = ok;
    });
    db.close();
  }, held.user_id);
  // So does a photo the server will not take (it is not a picture at all).
  await page.evaluate(async ([userId, inspectionId]) => {
    const db: IDBDatabase = await new Promise((ok) => { const r = indexedDB.open('readyward'); r.onsuccess = () => ok(r.result); });
    await new Promise((ok) => {
      const tx = db.transaction('photos', 'readwrite');
      tx.objectStore('photos').add({ id: crypto.randomUUID(), inspection_id: inspectionId, user_id: userId,
        item_code: 'S1.1', width: 1, height: 1, blob: new Blob(['not a picture'], { type: 'image/jpeg' }) });
      tx.oncomplete = ok;
    });
    db.close();
  }, [held.user_id, id]);
  await page.getByRole('link', { name: 'Changes on this device' }).click();
  await page.getByRole('button', { name: 'Sync now' }).first().click();
  await expect(page.getByRole('cell', { name: /^Refused: unknown kind "photo.teleport"/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /^Photo for S1\.1 .*Refused: Photos must be JPEG, PNG or WebP images/ })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('2 changes waiting to sync');
  for (const what of ['Photo for S1.1', 'photo.teleport']) {
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: new RegExp(`^Discard.*${what.replace('.', '\\.')}`) }).click();
  }
  await expect(page.getByRole('cell', { name: /^Refused/ })).toBeHidden();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  // What reached the server stays listed as synced, with when; what was discarded does not.
  await expect(page.getByText('All changes synced. Nothing waits on this device.')).toBeVisible();
  for (const what of [/^Inspection finished /, /^Interview note /, /^Photo for [A-Z]\d+\.\d+ /, /^Answer to [A-Z]\d+\.\d+ /]) {
    await expect(page.getByRole('row', { name: what }).filter({ hasText: /Synced \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d/ }).first()).toBeVisible();
  }
  await expect(page.getByRole('row', { name: /^Photo for / })).toHaveCount(1);
  await expect(page.getByRole('row', { name: /photo\.teleport/ })).toHaveCount(0);
  const ledgerAxe = await new AxeBuilder({ page }).analyze();
  const ledgerSerious = ledgerAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(ledgerSerious, JSON.stringify(ledgerSerious, null, 2)).toEqual([]);
});

test('signing out with work waiting warns, and the work is still there afterwards', async ({ page }) => {
  if (!server) await startServer();
  await page.goto(`${BASE}/sign-in`);
  await signIn(page);
  // Ward and checklist chosen on the home page; then the server goes away, so work waits.
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.locator('body[data-prepared="true"]').waitFor({ state: 'attached' });
  await controlled(page);
  await stopServer();
  const ward = page.getByLabel('Ward', { exact: true });
  await ward.selectOption({ label: (await ward.locator('option', { hasText: 'Ward 7 - Respiratory' }).textContent())! });
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\//);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ward 7 - Respiratory');
  await answer(page, 0, 'Met');
  await expect(page.getByRole('status')).toHaveText(/(^|\. )2 changes waiting to sync$/);
  await expect(page.getByText(/^This device holds .* of ReadyWard data/)).toBeVisible();

  // Cancelling keeps the user signed in.
  page.once('dialog', (d) => d.dismiss());
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  let question = '';
  page.once('dialog', (d) => { question = d.message(); d.accept(); });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
  expect(question).toContain('2 changes waiting to sync. They stay on this device');

  // Signed in again on the device, the work is still there; once the server is back and the
  // author signs in there, it syncs.
  await signIn(page);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText(/(^|\. )2 changes waiting to sync$/);
  await startServer();
  await page.goto(`${BASE}/sign-in`);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await signIn(page);
  await expect(page.getByRole('status')).toHaveText('All changes synced');
});


test('signed in here before, an inspector signs in, starts and locks an inspection with no server', async ({ page }) => {
  if (!server) await startServer();
  page.on('dialog', (d) => d.accept());
  await page.goto(`${BASE}/sign-in`);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await signIn(page);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  // The wards, checklists and frameworks are copied to the device once the home page is up.
  await page.locator('body[data-prepared="true"]').waitFor({ state: 'attached' });
  await controlled(page);

  await stopServer();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();

  // Only the password that signed in here before opens the device, and nothing is sent anywhere.
  await page.getByLabel('Email').fill('inspector@demo.nhs.test');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#email-error')).toContainText('this email and password cannot sign in on this device');
  await page.getByLabel('Email').fill('admin@demo.nhs.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The same words for an email the device does not know: it never says which it knows.
  await expect(page.locator('#email-error')).toContainText('this email and password cannot sign in on this device');
  const kept = await page.evaluate(() => JSON.stringify(localStorage) + document.cookie);
  expect(kept).not.toContain(PASSWORD);

  await signIn(page);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();

  // A ward and a checklist from the device's copies, and an inspection the server never saw.
  const ward = page.getByLabel('Ward', { exact: true });
  const label = (await ward.locator('option', { hasText: 'Ward 8 - Cardiology' }).textContent())!;
  await ward.selectOption({ label });
  await expect(page.getByLabel('Checklist')).toHaveValue(/[0-9a-f-]{36}/);
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await answer(page, 0, 'Not met');
  await expect(page.getByRole('status')).toHaveText(/(^|\. )2 changes waiting to sync$/);
  await page.reload();
  await page.locator('body[data-mounted="true"]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ward 8 - Cardiology');

  // "Lock" hides the inspection until the password is entered, and a reload does not undo it.
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'ReadyWard is locked' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Ward 8 - Cardiology' })).toBeHidden();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'ReadyWard is locked' })).toBeVisible();
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.locator('#unlock-password-error')).toContainText('The password is not right');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Ward 8 - Cardiology' })).toBeVisible();
  await expect(page.locator('fieldset.prompt-card').first().getByRole('radio', { name: 'Not met', exact: true })).toBeChecked();

  // Left idle for longer than the device allows, it locks by itself.
  await page.evaluate(() => localStorage.setItem('readyward.last_active', String(Date.now() - 6 * 60_000)));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'ReadyWard is locked' })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
});

test('an ended session pauses sync and asks the user to sign in again; nothing is lost', async ({ page, context }) => {
  if (!server) await startServer();
  await page.goto(`${BASE}/sign-in`);
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await signIn(page);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\//);
  await answer(page, 0, 'Met');
  // The status may still show the count from before the answer: wait for the server to hold it.
  const id = page.url().split('/inspections/')[1];
  await expect
    .poll(async () => {
      const reply = await page.request.get(`${BASE}/api/v1/inspections/${id}`);
      return reply.ok() ? (await reply.json()).findings.length : 0;
    })
    .toBe(1);
  await expect(page.getByRole('status')).toHaveText('All changes synced');

  await context.clearCookies();
  await answer(page, 1, 'Not met');
  await expect(page.getByRole('status')).toHaveText('Sync failed: sign in again to sync. 1 change waiting to sync');
  await page.getByRole('link', { name: 'Sign in again' }).click();
  await signIn(page);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
});
