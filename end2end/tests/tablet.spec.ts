// A shared ward tablet: two people on one browser profile, online and with the server gone.
// Each keeps their own work to themselves, a sign-out made offline is never inherited, and the
// device limits password guesses. This spec starts and stops its own server so it can take it
// away for real.
import { test, expect, Page } from '@playwright/test';
import { execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, DEMO_PASSWORD, hydrated, kill, serve } from './helpers';

const PORT = 3198;
const BASE = `http://127.0.0.1:${PORT}`;
const INSPECTOR = 'inspector@demo.nhs.test';
const ADMIN = 'admin@demo.nhs.test';
const OFFLINE_REFUSED = 'this email and password cannot sign in on this device';

let server: ChildProcess | undefined;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'readyward-tablet-'));

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
});

test.afterAll(down);

/** Fills in the sign-in form (the page must be the sign-in page) and presses "Sign in". */
async function fillSignIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.locator('body[data-hydrated="true"], body[data-mounted="true"]').first().waitFor({ state: 'attached' });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in with the server up, waits until the device has what it needs offline. */
async function signInOnline(page: Page, email: string) {
  await page.goto(`${BASE}/sign-in`);
  await fillSignIn(page, email);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await page.locator('body[data-prepared="true"]').waitFor({ state: 'attached' });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
}

/** Starts an inspection of the first ward on offer and answers its first prompt. */
async function startInspection(page: Page): Promise<string> {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await page.locator('fieldset.prompt-card').first().getByRole('radio', { name: 'Met', exact: true }).check();
  return page.url();
}

/** Whether the device's IndexedDB holds the inspection, and how many of its photos. */
async function holds(page: Page, id: string): Promise<{ inspection: boolean; photos: number }> {
  return page.evaluate(
    (id) =>
      new Promise<{ inspection: boolean; photos: number }>((resolve, reject) => {
        const open = indexedDB.open('readyward');
        open.onsuccess = () => {
          const tx = open.result.transaction(['inspections', 'photos']);
          const inspection = tx.objectStore('inspections').get(id);
          const photos = tx.objectStore('photos').index('inspection_id').count(id);
          tx.oncomplete = () => resolve({ inspection: inspection.result !== undefined, photos: photos.result });
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    id,
  );
}

/** How many records the device's IndexedDB store holds. */
async function stored(page: Page, store: string): Promise<number> {
  return page.evaluate(
    (store) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('readyward');
        open.onsuccess = () => {
          const count = open.result.transaction(store).objectStore(store).count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
        open.onerror = () => reject(open.error);
      }),
    store,
  );
}

test("each user sees only their own inspections on the tablet, online and offline", async ({ page }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  const url = await startInspection(page);
  const ward = (await page.getByRole('heading', { level: 1 }).textContent())!;
  await signOut(page);

  // Another user of the same tablet: the inspection is not theirs, so it is not there.
  await signInOnline(page, ADMIN);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Inspection not found' })).toBeVisible();
  await expect(page.getByRole('heading', { name: ward })).toHaveCount(0);

  // The same with the server gone.
  await down();
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Inspection not found' })).toBeVisible();
  await expect(page.locator('fieldset.prompt-card')).toHaveCount(0);

  // Signed out, nobody can open it: the page asks for a sign-in first.
  await signOut(page);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('fieldset.prompt-card')).toHaveCount(0);

  // Its owner, signed in offline, comes back to it (the sign-in page brings them there).
  await fillSignIn(page, INSPECTOR);
  await expect(page.getByRole('heading', { name: ward })).toBeVisible();
  await expect(page.locator('fieldset.prompt-card').first().getByRole('radio', { name: 'Met', exact: true })).toBeChecked();
});

test('a sign-out made with no connection ends the session the browser held; the next user never inherits it', async ({ page }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  await signOut(page);
  await signInOnline(page, ADMIN);
  const session = (await page.context().cookies()).find((c) => c.name === 'readyward_session')!.value;

  await down();
  await signOut(page);
  await fillSignIn(page, INSPECTOR);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await expect(page.getByText('Priya Shah')).toHaveCount(0);

  // The connection comes back: the admin's session ends before anything is shown with it,
  // and the inspector, signed in only on the device, is asked to sign in with the server.
  await up();
  await page.goto(`${BASE}/`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('Priya Shah')).toHaveCount(0);
  const me = await fetch(`${BASE}/api/v1/auth/me`, { headers: { cookie: `readyward_session=${session}` } });
  expect(me.status).toBe(401);

  await fillSignIn(page, INSPECTOR);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Hello, Sam Okafor' })).toBeVisible();
});

test('the device limits password guesses: at the lock screen across reloads, and at offline sign-in with one message', async ({ page }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, ADMIN);
  await signOut(page);
  await signInOnline(page, INSPECTOR);
  await down();

  // Wrong passwords at the lock screen are counted on the device: reloading does not reset them.
  await page.getByRole('button', { name: 'Lock' }).click();
  for (let n = 1; n <= 4; n++) {
    await page.getByLabel('Password').fill(`wrong-${n}`);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.locator('#unlock-password-error')).toContainText('The password is not right');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'ReadyWard is locked' })).toBeVisible();
  }
  await page.getByLabel('Password').fill('wrong-5');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();

  // Offline, a wrong password and an email the device never saw get the same answer; each
  // failure is counted on the device, for the email and for the device.
  const failures = (email = '') =>
    page.evaluate(
      (key) => Number((localStorage.getItem(key) ?? '0').split(',')[0]),
      email ? `readyward.offline_sign_in_failures:${email}` : 'readyward.offline_sign_in_failures',
    );
  await fillSignIn(page, INSPECTOR, 'not-the-password');
  await expect(page.locator('#email-error')).toContainText(OFFLINE_REFUSED);
  await expect.poll(() => failures()).toBe(1);
  const wrongPassword = await page.locator('#email-error').textContent();
  await fillSignIn(page, 'nobody@demo.nhs.test');
  await expect.poll(() => failures()).toBe(2);
  await expect(page.locator('#email-error')).toContainText(OFFLINE_REFUSED);
  expect(await page.locator('#email-error').textContent()).toBe(wrongPassword);
  for (let n = 2; n <= 5; n++) {
    await fillSignIn(page, INSPECTOR, `still-wrong-${n}`);
    await expect.poll(() => failures(INSPECTOR)).toBe(n);
  }
  // A colleague signing in as themselves in between does not buy more guesses.
  await fillSignIn(page, ADMIN);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await signOut(page);
  // Five failures for this email: even the right password waits now, across a reload.
  await page.reload();
  await fillSignIn(page, INSPECTOR);
  await expect(page.locator('#email-error')).toContainText('Too many attempts to sign in on this device');
  await expect(page.getByRole('heading', { name: /^Hello, / })).toHaveCount(0);
});

test('a finished inspection leaves the tablet once it has synced; signing out says what stays', async ({ page }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  const url = await startInspection(page);
  await page.getByRole('button', { name: 'Finish inspection' }).click();
  await expect(page.getByText('This inspection is finished.')).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  await expect.poll(() => stored(page, 'inspections')).toBe(0);
  expect(await stored(page, 'findings')).toBe(0);
  // The server has it all.
  const id = url.split('/inspections/')[1];
  const held = await page.request.get(`${BASE}/api/v1/inspections/${id}`);
  expect(held.ok()).toBe(true);
  expect((await held.json()).status).toBe('submitted');
  // Opened again, the page says where it went.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Inspection not found' })).toBeVisible();
  await expect(page.getByText('A finished inspection leaves the device once the server has all of it')).toBeVisible();

  // An open inspection stays for its owner, and signing out says so.
  await page.goto(`${BASE}/`);
  await startInspection(page);
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  await signOut(page);
  await expect(page.getByText('Left on this device for you alone: 1 open inspection.')).toBeVisible();
  expect(await stored(page, 'inspections')).toBe(1);
});

test('at sign-out a user can have the tablet forget their password, so it no longer opens offline', async ({ page }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  await signOut(page);
  await expect(page.getByText('Your password also opens ReadyWard on this device without a connection')).toBeVisible();
  await page.getByRole('button', { name: 'Forget my password on this device' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'only a sign-in with a connection opens ReadyWard for you here now' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Forget my password on this device' })).toHaveCount(0);

  await down();
  await fillSignIn(page, INSPECTOR);
  await expect(page.locator('#email-error')).toContainText(OFFLINE_REFUSED);
  await expect(page.getByRole('heading', { name: /^Hello, / })).toHaveCount(0);
});

test('an open inspection is handed to the next shift on the same tablet, photos and all, and carries on offline', async ({ page }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  const url = (await startInspection(page)).split('#')[0];
  const ward = (await page.getByRole('heading', { level: 1 }).textContent())!;
  const first = page.locator('fieldset.prompt-card').first();
  await first.getByLabel('Note', { exact: true }).fill('Handover: bay 3 still to check');
  await first.getByLabel('Note', { exact: true }).blur();
  const photo = readFileSync(path.resolve(__dirname, '../fixtures/ward-photo.jpg'));
  await first.getByLabel('Add photo').setInputFiles({ name: 'ward-photo.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect(first.getByRole('img')).toHaveCount(1);

  // A note on a prompt with no answer is never sent: it would be lost, so the tablet declines.
  const second = page.locator('fieldset.prompt-card').nth(1);
  await second.getByLabel('Note', { exact: true }).fill('Ask the matron about this');
  await second.getByLabel('Note', { exact: true }).blur();
  await expect(page.getByRole('status').filter({ hasText: 'All changes synced' })).toBeVisible();
  await page.getByRole('button', { name: 'Choose who takes over' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Some notes are only on this device' })).toBeVisible();
  await second.getByLabel('Note', { exact: true }).fill('');
  await second.getByLabel('Note', { exact: true }).blur();

  // The owner hands it over once all of it has reached the server; it leaves the tablet for them.
  await page.getByRole('button', { name: 'Choose who takes over' }).click();
  await expect(page.getByLabel('Hand over to', { exact: true })).toBeFocused();
  await page.getByLabel('Hand over to', { exact: true }).selectOption({ label: 'Priya Shah' });
  await page.getByRole('button', { name: 'Hand over', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Handed over to Priya Shah.' })).toBeVisible();
  await expect(first.getByRole('radio', { name: 'Met', exact: true })).toBeDisabled();
  const id = url.split('/inspections/')[1];
  expect(await holds(page, id)).toEqual({ inspection: false, photos: 0 });
  await signOut(page);

  // The next shift signs in on the same tablet and finds it under their open inspections.
  await signInOnline(page, ADMIN);
  const open = page.getByRole('region', { name: 'Your open inspections' });
  await expect(open.getByRole('link', { name: new RegExp(ward) })).toBeVisible();
  await open.getByRole('link', { name: new RegExp(ward) }).click();
  await expect(page).toHaveURL(url);
  await expect(page.getByRole('heading', { name: ward })).toBeVisible();
  await expect(first.getByRole('radio', { name: 'Met', exact: true })).toBeChecked();
  await expect(first.getByLabel('Note', { exact: true })).toHaveValue('Handover: bay 3 still to check');
  await expect(first.getByRole('img')).toHaveCount(1);

  // Offline, it is theirs to carry on with; their answer syncs under their name.
  await down();
  await page.reload();
  await expect(page.getByRole('heading', { name: ward })).toBeVisible();
  await second.getByRole('radio', { name: 'Not met', exact: true }).check();
  await up();
  await page.getByRole('button', { name: 'Sync now' }).first().click();
  await expect(page.getByRole('status').filter({ hasText: 'All changes synced' })).toBeVisible();
  const held = await (await page.request.get(`${BASE}/api/v1/inspections/${id}`)).json();
  expect(held.findings).toHaveLength(2);
  expect(held.findings.map((f: any) => f.response).sort()).toEqual(['met', 'not_met']);
  const me = await (await page.request.get(`${BASE}/api/v1/auth/me`)).json();
  expect(held.user_id).toBe(me.id);
  await signOut(page);

  // Its first owner no longer has it.
  await signInOnline(page, INSPECTOR);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Inspection not found' })).toBeVisible();
});

test('a trust admin hands over an inspection whose owner cannot carry on; the owner\'s tablet lets it go', async ({ page, browser }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  const url = (await startInspection(page)).split('#')[0];
  const ward = (await page.getByRole('heading', { level: 1 }).textContent())!;
  await expect(page.getByRole('status').filter({ hasText: 'All changes synced' })).toBeVisible();

  // The admin, on their own computer, hands it to themselves from Manage trust.
  const office = await (await browser.newContext()).newPage();
  await signInOnline(office, ADMIN);
  await office.goto(`${BASE}/admin`);
  const id = url.split('/inspections/')[1];
  const row = office
    .getByRole('region', { name: 'Open inspections' })
    .getByRole('listitem')
    .filter({ has: office.locator(`input[name="inspection_id"][value="${id}"]`) });
  await expect(row).toContainText(`${ward}, Sam Okafor since`);
  await row.getByLabel(`Hand ${ward} to`).selectOption({ label: 'Priya Shah' });
  await row.getByRole('button', { name: `Hand over ${ward} from Sam Okafor` }).click();
  await expect(row).toContainText(`${ward}, Priya Shah since`);
  await office.goto(`${BASE}/`);
  await expect(office.locator(`a[href="/inspections/${id}"]`)).toBeVisible();

  // The owner's tablet, at its next pull, lets go of it: the server has all of it, as Priya's.
  await page.goto(`${BASE}/`);
  await page.locator('body[data-prepared="true"]').waitFor({ state: 'attached' });
  await expect.poll(async () => (await holds(page, id)).inspection).toBe(false);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Inspection not found' })).toBeVisible();
  await office.context().close();
});

test('a photo a trust admin removes leaves the tablet at its next pull', async ({ page, browser }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  const url = (await startInspection(page)).split('#')[0];
  const id = url.split('/inspections/')[1];
  const first = page.locator('fieldset.prompt-card').first();
  const photo = readFileSync(path.resolve(__dirname, '../fixtures/ward-photo.jpg'));
  await first.getByLabel('Add photo').setInputFiles({ name: 'ward-photo.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect(first.getByRole('img')).toHaveCount(1);
  await expect(page.getByRole('status').filter({ hasText: 'All changes synced' })).toBeVisible();
  // Uploaded, and kept on the tablet while the inspection is open.
  const held = await page.evaluate(async (id) => (await fetch(`/api/v1/inspections/${id}`)).json(), id);
  expect(held.photos).toEqual([{ id: expect.any(String), held: true }]);
  const photoId = held.photos[0].id;
  expect((await holds(page, id)).photos).toBe(1);

  // It caught a patient's face: the trust admin removes it, with a reason.
  const admin = await (await browser.newContext({ baseURL: BASE })).newPage();
  await admin.goto('/sign-in');
  await fillSignIn(admin, ADMIN);
  await expect(admin.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await admin.goto(`/admin/photos/${photoId}`);
  await hydrated(admin);
  await admin.getByRole('button', { name: 'Remove photo' }).click();
  await expect(admin.getByRole('alert')).toContainText('Say why the photo is removed');
  await admin.getByLabel('Why is it removed?').fill("A patient's face in the background");
  await admin.getByRole('button', { name: 'Remove photo' }).click();
  await expect(admin.getByRole('heading', { name: 'Photo removed' })).toBeVisible();
  await expect(admin.getByRole('status').filter({ hasText: 'Its files are deleted' })).toBeFocused();
  expect((await admin.request.get(`/api/v1/photos/${photoId}`)).status()).toBe(404);

  // The tablet drops its copy at its next pull: every page load pulls.
  await page.reload();
  await page.locator('body[data-prepared="true"]').waitFor({ state: 'attached' });
  await expect.poll(async () => (await holds(page, id)).photos).toBe(0);
  // and the finding stops naming it: no empty frame where the photo was.
  await page.goto(url);
  await hydrated(page);
  await expect(page.locator('fieldset.prompt-card').first().getByRole('img')).toHaveCount(0);
});

test('an inspection finished by mistake is reopened by the trust admin and opens again on the tablet', async ({ page, browser }) => {
  await up();
  page.on('dialog', (d) => d.accept());
  await signInOnline(page, INSPECTOR);
  const url = (await startInspection(page)).split('#')[0];
  const id = url.split('/inspections/')[1];
  await page.getByRole('button', { name: 'Finish inspection' }).click();
  await expect(page.getByText('This inspection is finished.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'All changes synced' })).toBeVisible();

  // The trust admin reopens it from "Manage trust", with a reason.
  const admin = await (await browser.newContext({ baseURL: BASE })).newPage();
  await admin.goto('/sign-in');
  await fillSignIn(admin, ADMIN);
  await expect(admin.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await admin.goto('/admin#finished-inspections');
  await hydrated(admin);
  const finished = admin.getByRole('region', { name: 'Finished inspections' });
  const item = finished.locator('li', { has: admin.locator(`input[name="inspection_id"][value="${id}"]`) });
  await item.getByRole('button', { name: /^Reopen/ }).click();
  await expect(finished.getByRole('alert')).toContainText('Say why it is reopened');
  await item.getByLabel('Why reopen it?').fill('Finished before bay 3 was checked');
  await item.getByRole('button', { name: /^Reopen/ }).click();
  await expect(item).toHaveCount(0);

  // The tablet's next pull brings it back open to the inspector who finished it.
  await page.reload();
  await page.locator('body[data-prepared="true"]').waitFor({ state: 'attached' });
  await page.reload();
  await expect(page.locator('fieldset.prompt-card').first().getByRole('radio', { name: 'Met', exact: true })).toBeEnabled();
  await expect(page.getByText('This inspection is finished.')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Finish inspection' })).toBeEnabled();
});
