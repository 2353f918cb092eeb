// The slow-phone benchmark (scripts/size.sh runs it; it asserts nothing about time): first paint
// and interactive time of the home, category, profile and presenter pages on a cold load, under an
// emulated slow 4G phone (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, CPU 4× slower, via
// the Chrome DevTools Protocol). "Interactive" is the moment the page's islands are hydrated
// (the mark `reflect-interactive`; on a page without islands, when its scripts have run).
import { test, expect, Browser, BrowserContext, Page } from '@playwright/test';

const ADMIN = process.env.REFLECT_ADMIN_EMAIL ?? '';
const PASSWORD = process.env.REFLECT_ADMIN_PASSWORD ?? '';
const RUNS = Number(process.env.REFLECT_BENCH_RUNS ?? '3');

async function hydratedPage(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 60_000 });
}

/** A reflection answered to its last page, then finished: its token. */
async function reflection(page: Page, finish: boolean): Promise<string> {
  await page.goto('/start/leadership-reflection');
  await page.getByLabel('Headteacher / principal').check();
  await page.getByLabel('Data use').check();
  await page.getByRole('group', { name: 'May your anonymous answers be used for research?' }).getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Start the reflection' }).click();
  await expect(page).toHaveURL(/\/c\/1$/);
  const token = page.url().match(/\/r\/([0-9a-f]{48})\//)![1];
  if (!finish) return token;
  for (;;) {
    await hydratedPage(page);
    for (const group of await page.locator('fieldset.likert').all()) await group.locator('input[value="4"]').check();
    const finishButton = page.getByRole('button', { name: 'Finish and see my profile' });
    if (await finishButton.isVisible()) {
      await finishButton.click();
      await expect(page).toHaveURL(/\/profile$/);
      return token;
    }
    const at = page.url();
    await page.getByRole('button', { name: 'Next category' }).click();
    await expect(page).not.toHaveURL(at);
  }
}

async function measure(browser: Browser, url: string, storageState?: Awaited<ReturnType<BrowserContext['storageState']>>) {
  const context = await browser.newContext({ storageState, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1000 * 1000) / 8,
    uploadThroughput: (750 * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(url, { timeout: 120_000 });
  await hydratedPage(page);
  const t = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    interactive: performance.getEntriesByName('reflect-interactive')[0]?.startTime ?? NaN,
  }));
  await context.close();
  return t;
}

test('slow 4G phone: first paint and interactive time', async ({ browser, page }) => {
  test.skip(!PASSWORD, 'REFLECT_ADMIN_EMAIL and REFLECT_ADMIN_PASSWORD are set by scripts/size.sh');
  test.setTimeout(600_000);
  const open = await reflection(page, false);
  const done = await reflection(page, true);

  // the admin runs a workshop, for the presenter view
  await page.goto('/login?next=/workshops');
  await page.getByLabel('E-mail address').fill(ADMIN);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/workshops$/);
  await page.getByLabel('Title').fill('Benchmark room');
  await page.getByLabel('Questionnaire').selectOption('leadership-reflection');
  const categories = page.getByRole('group', { name: 'Categories to reflect on (Leadership reflection)' });
  // the room's poll needs two categories
  await categories.getByRole('checkbox').nth(0).check();
  await categories.getByRole('checkbox').nth(1).check();
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Benchmark room' })).toBeVisible();
  const presenter = new URL(page.url()).pathname + '/present';
  const signedIn = await page.context().storageState();

  const pages: [string, string, boolean][] = [
    ['home', '/', false],
    ['category', `/r/${open}/c/1`, false],
    ['profile', `/r/${done}/profile`, false],
    ['presenter', presenter, true],
  ];
  console.log(`[timing] slow 4G phone, median of ${RUNS} cold loads (ms)`);
  for (const [name, url, staff] of pages) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, url, staff ? signedIn : undefined));
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const paint = median(runs.map((r) => r.paint));
    const interactive = median(runs.map((r) => r.interactive));
    console.log(`[timing] ${name.padEnd(10)} first paint ${paint.toFixed(0).padStart(6)}   interactive ${interactive.toFixed(0).padStart(6)}`);
    expect(Number.isFinite(interactive), `${name}: the page never marked itself interactive`).toBe(true);
  }
});
