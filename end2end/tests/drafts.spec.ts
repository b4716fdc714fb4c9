// Typed text is saved as it is typed, not only when the field is left: a reload straight after
// typing (the field still focused) keeps it, and a note typed key by key waits as one change,
// not one per keystroke. Regression test for text lost to a reload, a killed tab or the lock.
import { test, expect, Locator, Page } from '@playwright/test';
import { hydrated, signIn } from './helpers';

// No service worker here: pushes are held back with page.route, which does not see requests a
// worker handles. (offline.spec.ts covers the worker.)
test.use({ serviceWorkers: 'block' });

/** Signs in as the demo inspector and starts an inspection of the ward. */
async function startInspection(page: Page, ward: string) {
  await signIn(page, 'inspector@demo.nhs.test');
  await hydrated(page);
  await page.locator('.tree').getByRole('link', { name: ward }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ward);
  await page.getByRole('button', { name: 'Start inspection' }).click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ward);
}

const waiting = (n: number) => new RegExp(`(^|\\. )${n} changes? waiting to sync$`);

test('a prompt note is kept as it is typed, and waits as one change', async ({ page }) => {
  await startInspection(page, 'Ward 14 - General surgery');
  const card = page.locator('fieldset.prompt-card').first();
  const code = (await card.locator('.prompt__code').textContent())!;
  await card.getByRole('radio', { name: 'Met', exact: true }).check();
  await expect(page.getByRole('status')).toHaveText('All changes synced');

  // From here pushes fail, so what the note queues stays to be counted.
  await page.route('**/api/v1/sync/push', (route) => route.abort());
  const note = card.getByLabel('Note', { exact: true });
  const text = 'Sharps bin overfull in bay 2';
  await note.click();
  await note.pressSequentially(text, { delay: 30 });
  await page.waitForTimeout(1500);
  await expect(note).toBeFocused();
  await expect(page.getByRole('status')).toHaveText(waiting(1));

  await page.reload();
  await hydrated(page);
  await expect(page.locator('fieldset.prompt-card').first().getByLabel('Note', { exact: true })).toHaveValue(text);
  await expect(page.getByRole('radio', { name: 'Met', exact: true }).first()).toBeChecked();
  await expect(page.getByRole('status')).toHaveText(waiting(1));

  // The ledger lists one waiting change for the note, not one per keystroke.
  const inspection = page.url().split('#')[0];
  await page.getByRole('link', { name: 'Changes on this device' }).click();
  await hydrated(page);
  const lines = page.getByRole('row', { name: new RegExp(`^Answer to ${code.replace('.', '\\.')} `) });
  await expect(lines.filter({ hasNotText: /Synced/ })).toHaveCount(1);

  // Pushes go through again: the server holds the note.
  await page.unroute('**/api/v1/sync/push');
  await page.getByRole('button', { name: 'Sync now' }).first().click();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  const id = inspection.split('/').pop();
  const held = await page.evaluate(async (id) => (await fetch(`/api/v1/inspections/${id}`)).json(), id);
  expect(held.findings).toEqual([expect.objectContaining({ item_code: code, response: 'met', note: text })]);
});

/** The rescue copies in the page's storage now. */
const rescues = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('readyward:rescue:')));

/** Types into a field and reloads at once, well inside the pause, the field still focused. */
async function typeAndReload(page: Page, field: Locator, text: string) {
  await field.click();
  await field.pressSequentially(text, { delay: 10 });
  await expect(field).toBeFocused();
  await page.reload();
  await hydrated(page);
}

test('text typed straight before a reload is rescued and put back', async ({ page }) => {
  // What the page's storage held as each new page began, before the app ran.
  await page.addInitScript(() => {
    (window as any).rescuedAtStart = Object.keys(localStorage).filter((k) => k.startsWith('readyward:rescue:'));
  });
  await startInspection(page, 'Oak Ward - Care of older people');
  const card = page.locator('fieldset.prompt-card').first();
  const code = (await card.locator('.prompt__code').textContent())!;
  const note = card.getByLabel('Note', { exact: true });
  const interview = page.getByLabel('Interview note', { exact: true });
  const noteText = 'Fridge log missing for three days';
  const interviewText = 'Nurse in charge knew the escalation route';
  await card.getByRole('radio', { name: 'Not met', exact: true }).check();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  // From here pushes fail, so the change the put-back note makes stays to be counted.
  await page.route('**/api/v1/sync/push', (route) => route.abort());

  await typeAndReload(page, note, noteText);
  expect(await page.evaluate(() => (window as any).rescuedAtStart)).toEqual([expect.stringMatching(/:note:/)]);
  await expect(note).toHaveValue(noteText);
  await expect(page.getByRole('status')).toHaveText(waiting(1));

  await typeAndReload(page, interview, interviewText);
  expect(await page.evaluate(() => (window as any).rescuedAtStart)).toEqual([expect.stringMatching(/:interview$/)]);
  await expect(interview).toHaveValue(interviewText);
  await expect(note).toHaveValue(noteText);
  // An interview draft is not a change: still the note's one.
  await expect(page.getByRole('status')).toHaveText(waiting(1));

  // Put back through the normal save: the note goes to the server as a change, and the copies
  // are gone, so a further reload shows the text from the device's own store.
  await page.unroute('**/api/v1/sync/push');
  await page.getByRole('button', { name: 'Sync now' }).first().click();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  const id = page.url().split('#')[0].split('/').pop();
  const held = await page.evaluate(async (id) => (await fetch(`/api/v1/inspections/${id}`)).json(), id);
  expect(held.findings).toEqual([expect.objectContaining({ item_code: code, response: 'not_met', note: noteText })]);
  await expect.poll(() => rescues(page)).toEqual([]);
  await page.reload();
  await hydrated(page);
  await expect(note).toHaveValue(noteText);
  await expect(interview).toHaveValue(interviewText);
});

test('a rescue copy left behind never brings older text back over newer', async ({ page }) => {
  await startInspection(page, 'Ward 14 - General surgery');
  const card = page.locator('fieldset.prompt-card').first();
  const note = card.getByLabel('Note', { exact: true });
  await card.getByRole('radio', { name: 'Met', exact: true }).check();
  await note.click();
  await note.pressSequentially('Bay 2', { delay: 10 });
  await note.blur();
  await expect(page.getByRole('status')).toHaveText('All changes synced');

  // A key typed and taken back, then the screen goes off: the field's text equals what is
  // stored, so nothing is saved, but a copy of it is kept.
  await note.click();
  await note.press('x');
  await note.press('Backspace');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  });
  expect(await rescues(page)).toHaveLength(1);

  // Newer text is typed and saved; a later reload must show it, not the copy's older text.
  await note.pressSequentially(': sharps bin full', { delay: 10 });
  await note.blur();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  await page.reload();
  await hydrated(page);
  await expect(note).toHaveValue('Bay 2: sharps bin full');
  expect(await rescues(page)).toEqual([]);
});

test('an interview note not yet saved is kept on the device and put back after a reload', async ({ page }) => {
  await startInspection(page, 'Ward 15 - Orthopaedics');
  await page.getByRole('radio', { name: 'Patient', exact: true }).check();
  await page.getByLabel(/^C1 /).check();
  const field = page.getByLabel('Interview note', { exact: true });
  const text = 'Staff were kind and explained my tablets';
  await field.click();
  await field.pressSequentially(text, { delay: 30 });
  await page.waitForTimeout(1500);
  await expect(field).toBeFocused();

  await page.reload();
  await hydrated(page);
  await expect(field).toHaveValue(text);
  await expect(page.getByRole('radio', { name: 'Patient', exact: true })).toBeChecked();
  await expect(page.getByLabel(/^C1 /)).toBeChecked();
  // A draft is not a change to sync.
  await expect(page.getByRole('status')).toHaveText('All changes synced');

  // "Save" records it once; the draft is gone with it.
  await page.getByRole('button', { name: 'Save interview note' }).click();
  await expect(page.locator('.user', { hasText: text })).toContainText('C1');
  await expect(field).toHaveValue('');
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.user', { hasText: text })).toHaveCount(1);
  await expect(field).toHaveValue('');
  await expect(page.getByLabel(/^C1 /)).not.toBeChecked();
});
