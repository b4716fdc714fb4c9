// A trust admin builds a checklist from framework prompts, orders it, and edits it into a new
// version; inspectors' devices get it from /api/v1/templates.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, signIn } from './helpers';

test('an admin builds, orders and versions a checklist', async ({ page }) => {
  await signIn(page, 'admin@demo.nhs.test');
  await page.goto('/admin/checklists');
  await expect(page.getByText('Ward walk-round (CQC key lines of enquiry)')).toBeVisible();
  await page.getByRole('link', { name: 'Create a checklist' }).click();
  await hydrated(page);

  const name = `Medicines round ${Date.now() % 100000}`;
  await page.getByLabel('Checklist name').fill(name);
  await page.getByLabel('Surgical ward').check();
  await page.getByText('S4', { exact: true }).click();
  await page.getByLabel(/^S4\.1 /).check();
  await page.getByLabel(/^S4\.2 /).check();
  await expect(page.getByRole('heading', { name: /Chosen prompts \(2\)/ })).toBeVisible();
  // Put S4.2 first.
  await page.getByRole('button', { name: 'Up S4.2' }).click();
  await expect(page.locator('.chosen').first()).toContainText('S4.2');

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

  await page.getByRole('button', { name: 'Save checklist' }).click();
  await expect(page).toHaveURL(/\/admin\/checklists$/);
  const row = page.locator('.user', { hasText: name });
  await expect(row).toContainText('Version 1 · 2 prompts · Surgical ward');

  // Devices see it, in the chosen order.
  const templates = await page.request.get('/api/v1/templates');
  const ours = (await templates.json()).find((t: any) => t.name === name);
  expect(ours.prompt_codes).toEqual(['S4.2', 'S4.1']);

  // Editing makes version 2.
  await row.getByRole('link', { name: /Edit/ }).click();
  await hydrated(page);
  await expect(page.getByLabel('Checklist name')).toHaveValue(name);
  await page.getByRole('button', { name: 'Remove S4.1' }).click();
  await page.getByRole('button', { name: 'Save checklist' }).click();
  await expect(page.locator('.user', { hasText: name })).toContainText('Version 2 · 1 prompt ·');
});

test('a checklist with no prompts is refused with a reason', async ({ page }) => {
  await signIn(page, 'admin@demo.nhs.test');
  await page.goto('/admin/checklists/new');
  await hydrated(page);
  await page.getByLabel('Checklist name').fill('Empty');
  await page.getByRole('button', { name: 'Save checklist' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose at least one prompt');
});
