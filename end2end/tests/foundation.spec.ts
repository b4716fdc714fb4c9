// The foundation journey: sign in through the page, browse the trust, open a ward, read the
// frameworks, sign out; plus the sign-in errors and the accessibility of these pages.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, signIn } from './helpers';

test('an inspector signs in, sees the trust tree and opens a ward', async ({ page }) => {
  await signIn(page, 'inspector@demo.nhs.test');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hello, Sam Okafor');
  await expect(page.getByText('Northfield Hospitals NHS Foundation Trust').first()).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('All changes synced');
  // The buddy trust's wards are not listed for the demo trust's inspector.
  await expect(page.getByText('Kingfisher Ward')).toHaveCount(0);

  await page.locator('.tree').getByRole('link', { name: /Ward 10 - Stroke/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ward 10 - Stroke');
  await expect(page.getByText('Medical care (including older people\'s care)')).toBeVisible();
  await expect(page.getByText('Northfield General Hospital', { exact: true })).toBeVisible();

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
});

test('the framework browser shows key questions, KLOEs and prompts', async ({ page }) => {
  await signIn(page, 'board@demo.nhs.test');
  await page.getByRole('link', { name: 'Frameworks' }).click();
  await page.getByRole('link', { name: /key lines of enquiry/ }).click();
  await expect(page.getByRole('heading', { name: /^Safe/ })).toBeVisible();
  await page.getByText('S1', { exact: true }).click();
  await expect(page.getByText('S1.8', { exact: true })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
});

test('a buddy reviewer sees their own wards and the granted trust', async ({ page }) => {
  await signIn(page, 'reviewer@buddy.nhs.test');
  await expect(page.getByRole('heading', { name: 'Riverside Teaching Hospitals NHS Trust' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Northfield Hospitals NHS Foundation Trust' })).toBeVisible();
});

test('a wrong password shows an error next to the field and signs nobody in', async ({ page }) => {
  await page.goto('/sign-in');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await page.getByLabel('Email').fill('admin@demo.nhs.test');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.locator('#email-error')).toContainText('Email or password is not right');
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, 'admin@demo.nhs.test');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('pages keep a strict content security policy and hydrate under it', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const response = await page.goto('/sign-in');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("'wasm-unsafe-eval'");
  expect(csp).toMatch(/'nonce-[^']+'/);
  expect(csp).not.toContain("'unsafe-inline'");
  expect(response?.headers()['x-frame-options']).toBe('DENY');
  await signIn(page, 'inspector@demo.nhs.test');
  await hydrated(page);
  // Every screen loaded on its own (lazy routes load their chunk first) hydrates too.
  for (const path of ['/', '/frameworks', '/frameworks/cqc-kloe-2017', '/sync', '/account/password']) {
    await page.goto(path);
    await hydrated(page);
  }
  await expect(page.getByRole('heading', { name: 'Change your password' })).toBeVisible();
  await page.goto('/sync');
  await hydrated(page);
  await expect(page.getByText('All changes synced. Nothing waits on this device.')).toBeVisible();
  await signIn(page, 'admin@demo.nhs.test');
  for (const path of ['/admin', '/admin/checklists', '/admin/checklists/new', '/admin/conflicts']) {
    await page.goto(path);
    await hydrated(page);
  }
  expect(errors.filter((e) => /Content Security Policy|hydrat|panicked/i.test(e))).toEqual([]);
});

test.describe('on a slow connection', () => {
  // Without the service worker every chunk comes from the network, where the test can slow it.
  test.use({ serviceWorkers: 'block' });

  test('a page that is still opening says so', async ({ page }) => {
    await signIn(page, 'inspector@demo.nhs.test');
    await hydrated(page);
    let release = () => {};
    const held = new Promise<void>((r) => { release = r; });
    await page.route(/\/pkg\/split_.*ward_route/, async (route) => {
      await held;
      await route.continue();
    });
    await page.locator('.tree').getByRole('link', { name: /Ward 10 - Stroke/ }).click();
    await expect(page.locator('main')).toHaveAttribute('aria-busy', 'true');
    await expect(page.locator('.page-opening')).toHaveClass(/page-opening--active/);
    release();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ward 10 - Stroke');
    await expect(page.locator('main')).not.toHaveAttribute('aria-busy', 'true');
    await expect(page.locator('.page-opening')).not.toHaveClass(/page-opening--active/);
  });
});
