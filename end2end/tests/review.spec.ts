// Evidence review: a buddy reviewer works through the queue (a challenge needs a comment, the
// next item opens after each verdict), the inspector's tablet shows the challenge after a sync
// and still offline, where the inspector replies with a new photo; the reply puts the finding
// back in the queue, the reviewer verifies it, and the board's drill-down and score follow. This spec starts its own
// server over a fresh demo trust, so it can take the server away.
import { test, expect, request as api } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, DEMO_PASSWORD, controlled, hydrated, kill, serve, signIn } from './helpers';

const PORT = 3195;
const BASE = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'readyward-review-'));
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

// The demo ward nobody has inspected: its only findings are the ones this spec pushes.
const WARD = 'Day Surgery Unit';

test('a reviewer challenges and verifies findings, the inspector is told, the board sees the verdicts', async ({ browser }) => {
  const sam = await api.newContext({ baseURL: BASE });
  const login = await sam.post('/api/v1/auth/login', { data: { email: 'inspector@demo.nhs.test', password: DEMO_PASSWORD } });
  const headers = { Authorization: `Bearer ${(await login.json()).token}` };
  const units = await (await sam.get('/api/v1/units', { headers })).json();
  const ward = units.find((u: { name: string }) => u.name === WARD);
  expect(ward).toBeTruthy();
  const id = crypto.randomUUID();
  const at = new Date(Date.now() - 3600000).toISOString();
  const upsert = (status: string) => ({ id: crypto.randomUUID(), kind: 'inspection.upsert', data: {
    id, unit_id: ward.id, framework_id: 'cqc-kloe-2017', template_id: null, template_version: null,
    started_at: at, status } });
  const finding = (prompt: string, response: string, note: string) => ({ id: crypto.randomUUID(),
    kind: 'finding.record', data: { id: crypto.randomUUID(), inspection_id: id, item_code: prompt,
      response, note, photo_ids: [], observed_at: at } });
  const pushed = await sam.post('/api/v1/sync/push', { headers, data: { device_id: crypto.randomUUID(), mutations: [
    upsert('in_progress'),
    finding('S1.1', 'not_met', 'Fridge temperature log has gaps'),
    finding('S1.2', 'met', 'Hand gel at every bed'),
    upsert('submitted'),
  ] } });
  expect(pushed.status()).toBe(200);

  const page = await (await browser.newContext({ baseURL: BASE })).newPage();
  await signIn(page, 'reviewer@buddy.nhs.test');
  await page.getByRole('link', { name: 'Review evidence' }).click();
  await expect(page.getByRole('heading', { name: 'Review evidence', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Ward', { exact: true }).selectOption({ label: WARD });
  await page.getByRole('button', { name: 'Show' }).click();
  const current = page.locator('#review-current');
  await expect(current).toHaveText(`${WARD}: S1.1`);
  await expect(page.getByText('Fridge temperature log has gaps')).toBeVisible();
  await hydrated(page);

  // A challenge without a comment is refused, next to the form.
  await page.getByLabel('Challenged', { exact: true }).check();
  await page.getByRole('button', { name: 'Give verdict' }).click();
  await expect(page.getByRole('alert')).toContainText('Say why the evidence is challenged');
  await expect(current).toHaveText(`${WARD}: S1.1`);
  await page.getByLabel('Comment', { exact: true }).fill('The log for last week is missing');
  await page.getByRole('button', { name: 'Give verdict' }).click();
  // The next item opens, focused.
  await expect(current).toHaveText(`${WARD}: S1.2`);
  await expect(current).toBeFocused();
  await page.getByLabel('Verified', { exact: true }).check();
  await page.getByRole('button', { name: 'Give verdict' }).click();
  await expect(page.getByText('nothing waits for your review here')).toBeVisible();

  await page.getByLabel('Status', { exact: true }).selectOption('challenged');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(current).toHaveText(`${WARD}: S1.1`);
  await expect(page.getByText('The log for last week is missing')).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

  // The inspector's devices get the challenge at their next pull.
  const pull = await (await sam.get('/api/v1/sync/pull', { headers })).json();
  const comment = pull.comments.find((c: { inspection_id: string }) => c.inspection_id === id);
  expect(comment.comment).toBe('The log for last week is missing');
  expect(comment.status).toBe('challenged');

  // The tablet shows it after its sync, and still with the server gone.
  const tablet = await (await browser.newContext({ baseURL: BASE })).newPage();
  await signIn(tablet, 'inspector@demo.nhs.test');
  await tablet.locator('body[data-prepared="true"]').waitFor({ state: 'attached' });
  const comments = tablet.getByRole('region', { name: 'Comments from the buddy trust' });
  await expect(comments).toContainText('The log for last week is missing');
  await expect(comments).toContainText(`${WARD}, S1.1`);
  await expect(comments).toContainText('You wrote: Fridge temperature log has gaps');
  await controlled(tablet);
  await down();
  await tablet.reload();
  await tablet.locator('body[data-mounted="true"]').waitFor({ state: 'attached' });
  await expect(comments).toContainText('The log for last week is missing');

  // Still offline, the inspector replies with a new photo: kept on the tablet until a sync.
  await comments.getByLabel('Your reply', { exact: true }).fill('Last week is on the second page: see the photo');
  const photo = readFileSync(path.resolve(__dirname, '../fixtures/ward-photo.jpg'));
  await comments.getByLabel('Add a photo').setInputFiles({ name: 'log.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect(comments.getByRole('img', { name: 'New photo 1' })).toBeVisible();
  await comments.getByRole('button', { name: 'Send reply' }).click();
  await expect(comments).toContainText('Reply saved on this device');
  const replies = comments.getByRole('list', { name: `Your replies about ${WARD}, S1.1` });
  await expect(replies).toContainText('waiting to sync');
  await expect(replies).toContainText('1 photo');
  await expect(comments.getByLabel('Your reply', { exact: true })).toHaveValue('');

  // Back online, it goes with the next sync (the photo through the photo pipeline).
  const board = await (await browser.newContext({ baseURL: BASE })).newPage();
  await up();
  await signIn(board, 'board@demo.nhs.test');
  const safeScore = async () => {
    const report = await (await board.request.get(`/api/v1/readiness?unit_id=${ward.id}`)).json();
    return report.units[0].key_questions.find((c: { code: string }) => c.code === 'safe').score;
  };
  const whileChallenged = await safeScore();
  await tablet.getByRole('button', { name: 'Sync now' }).first().click();
  await expect(replies).toContainText(/Your reply, sent /, { timeout: 15000 });
  await expect(replies).not.toContainText('waiting to sync');
  await expect(replies.getByRole('img', { name: 'Photo sent with your reply' })).toBeVisible();

  // The reply puts the finding back among what waits for the reviewer, with its photo.
  await page.getByLabel('Status', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(current).toHaveText(`${WARD}: S1.1`);
  const item = page.locator('.review-item');
  await expect(item.getByText('Replied', { exact: true })).toBeVisible();
  await expect(item).toContainText('Last week is on the second page: see the photo');
  const sent = item.getByRole('img', { name: 'Photo sent with the reply' });
  await expect(sent).toBeVisible();
  await expect.poll(() => sent.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await hydrated(page);
  await page.getByLabel('Verified', { exact: true }).check();
  await page.getByLabel('Comment', { exact: true }).fill('Second page seen: the log is complete');
  await page.getByRole('button', { name: 'Give verdict' }).click();
  await expect(page.getByText('nothing waits for your review here')).toBeVisible();

  // Resolved: the comment leaves the tablet at its next pull, and the score moves (the not met
  // finding counts again, verified).
  expect(await safeScore()).not.toBe(whileChallenged);

  // The board's drill-down shows the verdicts: both findings verified now.
  await board.goto(`/readiness/wards/${ward.id}?kq=safe`);
  await expect(board.locator('.evidence-list').getByText('Verified', { exact: true })).toHaveCount(2);
  await expect(board.getByText('Challenged: not counted')).toHaveCount(0);

  // A note named a patient: the trust admin redacts it from the drill-down. The answer stays.
  const admin = await (await browser.newContext({ baseURL: BASE })).newPage();
  await signIn(admin, 'admin@demo.nhs.test');
  await admin.goto(`/readiness/wards/${ward.id}?kq=safe`);
  await expect(admin.getByText('Hand gel at every bed')).toBeVisible();
  await admin.getByRole('link', { name: /^Redact note about S1\.2/ }).click();
  await expect(admin.getByRole('heading', { name: 'Redact a note' })).toBeVisible();
  await hydrated(admin);
  await admin.getByRole('button', { name: 'Redact note' }).click();
  await expect(admin.getByRole('alert')).toContainText('Say why the note is redacted');
  await admin.getByLabel('Why is it redacted?').fill('Named a patient');
  await admin.getByRole('button', { name: 'Redact note' }).click();
  await expect(admin.getByRole('heading', { name: 'Note redacted' })).toBeVisible();
  await admin.goto(`/readiness/wards/${ward.id}?kq=safe`);
  await expect(admin.getByText("Note redacted by the trust's administrator.")).toBeVisible();
  await expect(admin.getByText('Hand gel at every bed')).toHaveCount(0);
  await expect(admin.locator('.evidence-list').getByText('Verified', { exact: true })).toHaveCount(2);
});
