import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The benchmarks (scripts/size.sh): hydrated only, against the release server it starts.
export default defineConfig({
  ...base,
  testDir: './bench',
  timeout: 600_000,
  projects: [{ name: 'hydrated', use: { javaScriptEnabled: true } }],
});
