import { defineConfig } from '@playwright/test';

// The server is started by `cargo leptos end-to-end` (see scripts/test.sh); globalSetup waits for it.
const baseURL = process.env.REFLECT_BASE_URL ?? 'http://127.0.0.1:3000';

const launchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { baseURL, headless: true, launchOptions, trace: 'off' },
  // Every spec runs twice: with the app hydrated, and as a school browser with JavaScript off.
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
});
