// Playwright drives Debian's Chromium (never a downloaded browser) against a server that
// scripts/test.sh has built, seeded and started; READYWARD_E2E_URL says where.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.READYWARD_E2E_URL ?? 'http://127.0.0.1:3100',
    viewport: { width: 768, height: 1024 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
