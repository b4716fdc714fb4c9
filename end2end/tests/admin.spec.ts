// A trust admin manages the trust in the app: adds a ward, adds a user (who gets a one-time
// password and must change it at first sign-in), and the ward reaches the home page.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, signIn } from './helpers';

test('an admin adds a ward and a user, who must change the one-time password', async ({ page, browser }) => {
  await signIn(page, 'admin@demo.nhs.test');
  await page.getByRole('link', { name: 'Manage trust' }).click();
  await expect(page.getByRole('heading', { name: 'Manage trust', level: 1 })).toBeVisible();
  await hydrated(page);

  const ward = `Ward ${Date.now() % 100000} - Test`;
  await page.getByLabel('Core service', { exact: true }).selectOption({ label: 'Surgery (St Aidan\'s Hospital)' });
  await page.getByLabel('Ward name').fill(ward);
  await page.getByLabel('Ward type').selectOption('surgical');
  await page.getByRole('button', { name: 'Add ward' }).click();
  await expect(page.getByRole('link', { name: ward })).toBeVisible();

  // The same name again is refused, with the reason next to the form.
  await page.getByLabel('Core service', { exact: true }).selectOption({ label: 'Surgery (St Aidan\'s Hospital)' });
  await page.getByLabel('Ward name').fill(ward);
  await page.getByRole('button', { name: 'Add ward' }).click();
  await expect(page.getByRole('alert')).toContainText('already has a ward with this name');

  const email = `nurse${Date.now()}@demo.nhs.test`;
  await page.getByLabel('Full name').fill('Jo Lee');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('ward_inspector');
  await page.getByRole('button', { name: 'Add user' }).click();
  const panel = page.locator('.panel');
  await expect(panel).toContainText(email);
  const oneTime = (await page.locator('.panel__secret').innerText()).trim();
  expect(oneTime).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

  // The new user signs in with it and is sent to choose their own password.
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto('/sign-in');
  await other.getByLabel('Email').fill(email);
  await other.getByLabel('Password').fill(oneTime);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/account\/password/);
  await expect(other.getByRole('heading', { name: 'Change your password' })).toBeVisible();
  await other.getByLabel('Current password').fill(oneTime);
  await other.getByLabel(/^New password/).fill('my own long passphrase');
  await other.getByLabel('Type the new password again').fill('my own long passphrase');
  await other.getByRole('button', { name: 'Save password' }).click();
  await expect(other.getByRole('heading', { level: 1 })).toContainText('Hello, Jo Lee');
  await expect(other.getByRole('link', { name: ward })).toBeVisible();
  await context.close();
});

test('an admin reads the audit trail: who changed what, whether the chain holds, and the period as CSV', async ({ page }) => {
  await signIn(page, 'admin@demo.nhs.test');
  await page.getByRole('link', { name: 'Manage trust' }).click();
  await hydrated(page);
  const site = `Clinic ${Date.now() % 100000}`;
  await page.getByLabel('Site name').fill(site);
  await page.getByRole('button', { name: 'Add site' }).click();
  await expect(page.getByRole('link', { name: site }).or(page.getByText(site)).first()).toBeVisible();

  await page.getByRole('link', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeVisible();
  await expect(page.locator('#audit-verdict')).toContainText('The trail is intact');
  const entries = page.locator('#audit-entries');
  await expect(entries).toContainText('Added a site');
  await expect(entries).toContainText('Signed in');
  await expect(entries).toContainText('admin@demo.nhs.test');
  // The newest entry is the site just added; its before and after open on demand.
  const newest = entries.locator('tbody tr').first();
  await expect(newest).toContainText('Added a site');
  await newest.getByText('Show').click();
  await expect(newest.locator('pre')).toContainText(site);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the period as CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = require('fs').readFileSync(await download.path(), 'utf8');
  expect(text).toContain('The trail is intact');
  expect(text).toContain('Chain head at export');
  expect(text).toContain(site);

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
});

test('people who are not admins cannot open Manage trust', async ({ page }) => {
  await signIn(page, 'inspector@demo.nhs.test');
  await expect(page.getByRole('link', { name: 'Manage trust' })).toHaveCount(0);
  await page.goto('/admin');
  await expect(page.getByText('Only trust administrators can manage the trust.')).toBeVisible();
});

test('a trust admin sees who is signed in where and ends a lost tablet\'s session', async ({ page, browser }) => {
  // The "lost tablet": a board member signed in on another browser.
  const tablet = await browser.newContext();
  const lost = await tablet.newPage();
  await signIn(lost, 'board@demo.nhs.test');

  await signIn(page, 'admin@demo.nhs.test');
  await page.goto('/admin');
  await hydrated(page);
  const signedIn = page.getByRole('region', { name: 'Signed in' });
  const rows = signedIn.getByRole('row').filter({ hasText: 'Helen Marsh' });
  await expect(rows.first()).toContainText('Browser');
  await expect(rows.first()).toContainText(/Last used|UTC/);
  // End every session of hers (other tests may have left some), one at a time.
  while ((await rows.count()) > 0) {
    const before = await rows.count();
    await rows.first().getByRole('button', { name: /^End session of Helen Marsh/ }).click();
    await expect(rows).toHaveCount(before - 1);
  }
  // The tablet is signed out at once: its next page asks for a sign-in.
  await lost.reload();
  await expect(lost.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  await tablet.close();
});

test('an admin moves a buddy grant\'s end and the reviewer is warned in its last week', async ({ page, browser }) => {
  const inDays = (n: number) =>
    new Date(Date.now() + n * 86400000).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  await signIn(page, 'admin@demo.nhs.test');
  await page.goto('/admin#buddy-access');
  await hydrated(page);
  const end = page.getByLabel('New end date for Grace Adeyemi').first();
  const original = await end.inputValue();
  await end.fill(inDays(3));
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/fn/admin_extend_grant') && r.ok()),
    page.getByRole('button', { name: 'Change end date for Grace Adeyemi' }).first().click(),
  ]);
  await expect(page.getByLabel('New end date for Grace Adeyemi').first()).toHaveValue(inDays(3));

  const tablet = await browser.newContext();
  const reviewer = await tablet.newPage();
  await signIn(reviewer, 'reviewer@buddy.nhs.test');
  const access = reviewer.getByRole('region', { name: 'Your access' });
  await expect(access.locator('.inset--warning')).toContainText(
    'Your access to Northfield Hospitals NHS Foundation Trust ends on');
  await expect(access).toContainText('3 days left after today');
  const axe = await new AxeBuilder({ page: reviewer }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  await tablet.close();

  // Put it back as it was for the other tests.
  await page.getByLabel('New end date for Grace Adeyemi').first().fill(original);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/fn/admin_extend_grant') && r.ok()),
    page.getByRole('button', { name: 'Change end date for Grace Adeyemi' }).first().click(),
  ]);
  await expect(page.getByLabel('New end date for Grace Adeyemi').first()).toHaveValue(original);
});

test('an admin sees and changes how long evidence, photos and the audit trail are kept', async ({ page }) => {
  await signIn(page, 'admin@demo.nhs.test');
  await page.getByRole('link', { name: 'Manage trust' }).click();
  await hydrated(page);
  await page.getByRole('link', { name: 'Retention' }).click();
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Retention', level: 2 }) });
  await expect(section.getByText('Audit trail', { exact: true })).toBeVisible();

  // Photos kept longer than the evidence they support are refused, with the reason beside the form.
  await section.getByLabel('Evidence, in years').fill('8');
  await section.getByLabel('Photos, in years').fill('9');
  await section.getByLabel('Audit trail, in years').fill('8');
  await section.getByRole('button', { name: 'Save retention' }).click();
  await expect(section.getByRole('alert')).toContainText('no longer than the rest of the evidence');

  await section.getByLabel('Photos, in years').fill('2');
  await section.getByRole('button', { name: 'Save retention' }).click();
  await expect(section.getByText('2 years: deleted every night once older')).toBeVisible();
  await expect(section.getByText(/^Set by /)).toBeVisible();
});
