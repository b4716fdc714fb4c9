// Calibration: a trust admin pairs two inspectors for one ward and checklist; once both have
// finished (pushed here as their tablets would), the page shows how far they agreed and where.
import { test, expect, request as api, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DEMO_PASSWORD, hydrated, signIn } from './helpers';

/** A device of its own for `email` (its own cookie jar), signed in with a bearer token. */
async function device(baseURL: string | undefined, email: string) {
  const request: APIRequestContext = await api.newContext({ baseURL });
  const login = await request.post('/api/v1/auth/login', { data: { email, password: DEMO_PASSWORD } });
  return { request, headers: { Authorization: `Bearer ${(await login.json()).token}` } };
}

/** Yesterday (an inspection started a minute ago may have begun before midnight) and a week
 *  on, as days in England. */
function window(): [string, string] {
  const day = (d: Date) => d.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  return [day(new Date(Date.now() - 86400000)), day(new Date(Date.now() + 7 * 86400000))];
}

test('an admin pairs two inspectors and reads how far they agreed once both finished', async ({ page, baseURL }) => {
  const sam = await device(baseURL, 'inspector@demo.nhs.test');
  const ravi = await device(baseURL, 'inspector2@demo.nhs.test');
  const units = await (await sam.request.get('/api/v1/units', { headers: sam.headers })).json();
  const templates = await (await sam.request.get('/api/v1/templates', { headers: sam.headers })).json();
  // The last ward: no other test inspects it.
  const ward = units[units.length - 1];
  const checklist = templates[0];

  await signIn(page, 'admin@demo.nhs.test');
  await page.getByRole('link', { name: 'Manage trust' }).click();
  await page.getByRole('link', { name: 'Calibration' }).click();
  await expect(page.getByRole('heading', { name: 'Calibration', level: 1 })).toBeVisible();
  await hydrated(page);
  const [opens, closes] = window();
  await page.getByLabel('Ward', { exact: true }).selectOption(ward.id);
  await page.getByLabel('Checklist', { exact: true }).selectOption(checklist.id);
  await page.getByLabel('First inspector').selectOption({ label: 'Sam Okafor' });
  await page.getByLabel('Second inspector').selectOption({ label: 'Sam Okafor' });
  await page.getByLabel('Window opens').fill(opens);
  await page.getByLabel('Window closes').fill(closes);
  await page.getByRole('button', { name: 'Pair them' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose two different inspectors');
  await page.getByLabel('Second inspector').selectOption({ label: 'Ravi Patel' });
  await page.getByRole('button', { name: 'Pair them' }).click();
  const pair = page.locator('.pair').filter({ hasText: ward.name });
  await expect(pair).toContainText('Waiting');
  await expect(pair).toContainText('Sam Okafor: not started');

  // Both inspect the ward; Sam's answers stay unseen to Ravi until both have finished.
  const inspect = async ({ request, headers }: typeof sam, answers: string[]) => {
    const id = crypto.randomUUID();
    const started = new Date(Date.now() - 60000).toISOString();
    const upsert = (status: string) => ({ id: crypto.randomUUID(), kind: 'inspection.upsert', data: {
      id, unit_id: ward.id, framework_id: checklist.framework_id, template_id: checklist.id,
      template_version: checklist.version, started_at: started, status } });
    const findings = answers.map((response, i) => ({ id: crypto.randomUUID(), kind: 'finding.record', data: {
      id: crypto.randomUUID(), inspection_id: id, item_code: checklist.prompt_codes[i], response,
      note: '', photo_ids: [], observed_at: started } }));
    const push = async (mutations: unknown[]) => {
      const reply = await request.post('/api/v1/sync/push', { headers, data: { device_id: crypto.randomUUID(), mutations } });
      expect(reply.status()).toBe(200);
    };
    await push([upsert('in_progress'), ...findings]);
    return { id, finish: () => push([upsert('submitted')]) };
  };
  const first = await inspect(sam, ['met', 'met', 'not_met', 'met']);
  const second = await inspect(ravi, ['met', 'partially_met', 'not_met', 'met']);
  await first.finish();
  const read = async () =>
    (await ravi.request.get(`/api/v1/inspections/${first.id}`, { headers: ravi.headers })).status();
  expect(await read()).toBe(404);
  await second.finish();
  expect(await read()).toBe(200);

  await page.reload();
  await expect(pair).toContainText('Both finished');
  await expect(pair).toContainText('Agreed on 3 of 4 prompts (75%)');
  const differing = pair.getByRole('table', { name: 'Prompts they answered differently' });
  await expect(differing).toContainText(checklist.prompt_codes[1]);
  await expect(differing).toContainText('Partially met');
  await expect(page.getByRole('region', { name: 'Assessors' })).toContainText('Ravi Patel');

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
});
