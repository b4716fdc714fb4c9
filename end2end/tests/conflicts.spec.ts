// A device sends a change again under the same id with other content: the server keeps it for
// review, and a trust admin compares the two versions side by side and decides which stands.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DEMO_PASSWORD, hydrated, signIn } from './helpers';

test('a trust admin resolves a sync conflict by using the version sent again', async ({ page, request }) => {
  const login = await request.post('/api/v1/auth/login', {
    data: { email: 'inspector@demo.nhs.test', password: DEMO_PASSWORD },
  });
  const headers = { Authorization: `Bearer ${(await login.json()).token}` };
  const units = await (await request.get('/api/v1/units', { headers })).json();
  const inspection = crypto.randomUUID();
  const finding = crypto.randomUUID();
  const change = crypto.randomUUID();
  const note = `Sharps bin ${Date.now()}`;
  const record = (response: string) => ({
    id: change, kind: 'finding.record',
    data: { id: finding, inspection_id: inspection, item_code: 'S1.8', response, note,
      photo_ids: [], observed_at: '2026-11-26T09:05:00Z' },
  });
  const push = async (mutations: unknown[]) =>
    (await request.post('/api/v1/sync/push', { headers, data: { device_id: crypto.randomUUID(), mutations } })).json();
  await push([
    { id: crypto.randomUUID(), kind: 'inspection.upsert', data: { id: inspection, unit_id: units[0].id,
      framework_id: 'cqc-kloe-2017', started_at: '2026-11-26T09:00:00Z', status: 'in_progress' } },
    record('met'),
  ]);
  expect((await push([record('not_met')])).results[0].status).toBe('conflict');

  await signIn(page, 'admin@demo.nhs.test');
  await page.getByRole('link', { name: 'Manage trust' }).click();
  await page.getByRole('link', { name: 'Sync conflicts' }).click();
  await expect(page.getByRole('heading', { name: 'Sync conflicts', level: 1 })).toBeVisible();
  await hydrated(page);
  const section = page.getByRole('region', { name: 'Answer to S1.8' }).filter({ hasText: note });
  await expect(section.getByRole('row', { name: /^Answer Differs Met Not met$/ })).toBeVisible();
  await expect(section.getByRole('row', { name: new RegExp(`^Note ${note} ${note}$`) })).toBeVisible();

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

  await section.getByRole('button', { name: 'Use the version sent again' }).click();
  await expect(section).toBeHidden();
  const held = await (await request.get(`/api/v1/inspections/${inspection}`, { headers })).json();
  expect(held.findings[0].response).toBe('not_met');
});
