import { expect, Page } from '@playwright/test';

/** The demo users' password, as scripts/test.sh seeded them. */
export const DEMO_PASSWORD = process.env.READYWARD_DEMO_PASSWORD ?? 'readyward-demo-2026';

/** Signs in through the page, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Waits until the wasm bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}
