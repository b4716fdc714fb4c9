// Evidence review: a buddy reviewer works through the queue (a challenge needs a comment, the
// next item opens after each verdict), the inspector's devices get the challenge at their next
// pull, and the board's drill-down shows the verdicts.
import { test, expect, request as api } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DEMO_PASSWORD, hydrated, signIn } from './helpers';

// The demo ward nobody has inspected: its only findings are the ones this spec pushes.
const WARD = 'Day Surgery Unit';

test('a reviewer challenges and verifies findings, the inspector is told, the board sees the verdicts', async ({ page, baseURL }) => {
  const sam = await api.newContext({ baseURL });
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

  await signIn(page, 'reviewer@buddy.nhs.test');
  await page.getByRole('link', { name: 'Review evidence' }).click();
  await expect(page.getByRole('heading', { name: 'Review evidence', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Ward').selectOption({ label: WARD });
  await page.getByLabel('Source').selectOption('mini_inspection');
  await page.getByRole('button', { name: 'Show' }).click();
  const current = page.locator('#review-current');
  await expect(current).toHaveText(`${WARD}: S1.1`);
  await expect(page.getByText('Fridge temperature log has gaps')).toBeVisible();
  await hydrated(page);

  // A challenge without a comment is refused, next to the form.
  await page.getByLabel('Challenged').check();
  await page.getByRole('button', { name: 'Give verdict' }).click();
  await expect(page.getByRole('alert')).toContainText('Say why the evidence is challenged');
  await expect(current).toHaveText(`${WARD}: S1.1`);
  await page.getByLabel('Comment').fill('The log for last week is missing');
  await page.getByRole('button', { name: 'Give verdict' }).click();
  // The next item opens, focused.
  await expect(current).toHaveText(`${WARD}: S1.2`);
  await expect(current).toBeFocused();
  await page.getByLabel('Verified').check();
  await page.getByRole('button', { name: 'Give verdict' }).click();
  await expect(page.getByText('nothing waits for your review here')).toBeVisible();

  await page.getByLabel('Status').selectOption('challenged');
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

  // The board's drill-down shows both verdicts.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'board@demo.nhs.test');
  await page.goto(`/readiness/wards/${ward.id}?kq=safe`);
  await expect(page.getByText('Challenged: not counted')).toBeVisible();
  await expect(page.locator('.evidence-list').getByText('Verified', { exact: true })).toBeVisible();
});
