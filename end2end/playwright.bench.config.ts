import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The benchmarks (scripts/size.sh): the page weights and the slow-phone timings, hydrated only,
// against the release server that script starts.
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: ['bench/timing.spec.ts', 'tests/weight.spec.ts'],
  timeout: 600_000,
  projects: [{ name: 'hydrated', use: { javaScriptEnabled: true } }],
});
