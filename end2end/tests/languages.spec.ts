import { test, expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'fs';
import { join } from 'path';
import { hydrated, ready, answerPage } from './helpers';

// The Dutch texts come from the translation files themselves, so the test checks that the page
// shows what the files say (and nothing of the English).
const root = join(__dirname, '..', '..');
const dutchToml = readFileSync(join(root, 'instruments', 'leadership-reflection.nl.toml'), 'utf8');
const englishToml = readFileSync(join(root, 'instruments', 'leadership-reflection.toml'), 'utf8');
const dutchTitle = (id: string) => dutchToml.match(new RegExp(`\\[categories\\.${id}\\]\\s*\\ntitle = "([^"]+)"`))![1];
const englishTitle = (id: string) =>
  englishToml.match(new RegExp(`id = "${id}"\\s*\\ntitle = "([^"]+)"`))![1];
const categories = ['organising', 'teaching_learning', 'people', 'structures_culture'];

// axe runs in the page: with JavaScript off it cannot (as in the other specs, the hydrated run checks)
async function axeClean(page: Page, info: TestInfo) {
  if (!hydrated(info)) return;
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
}

async function onCategory(page: Page, n: number) {
  await expect(page).toHaveURL(new RegExp(`/c/${n}$`));
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
  const id = categories[n - 1];
  await expect(page.getByRole('heading', { level: 1, name: dutchTitle(id) })).toBeVisible();
  await expect(page.getByText(englishTitle(id), { exact: true })).toHaveCount(0);
}

test.describe('in Dutch', () => {
  test.use({ locale: 'nl-NL' });

  test('a Dutch leader reflects in Dutch and resumes in Dutch from an English browser', async ({ page, browser }, info) => {
    test.setTimeout(180_000);
    expect(categories.map(dutchTitle)).toHaveLength(4);
    await page.goto('/');
    await ready(page, info);
    await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
    await axeClean(page, info);
    await page.locator('a[href="/start/leadership-reflection"]').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
    await ready(page, info);
    await axeClean(page, info);
    await page.locator('input[name="role"][value="headteacher"]').check();
    await page.locator('input[name="innovation"][value="data_use"]').check();
    await page.locator('input[name="consent"][value="yes"]').check();
    await page.locator('form[action$="start_reflection"] button[type="submit"]').click();

    await onCategory(page, 1);
    await ready(page, info);
    await axeClean(page, info);
    await answerPage(page, '4');
    if (!hydrated(info)) await page.locator('button[name="go"][value="next"]').click();
    await onCategory(page, 2);
    await ready(page, info);

    // the private link, opened in a browser set to English, goes on in Dutch
    const link = (await page.locator('a.private-link').textContent())!.trim();
    const english = await browser.newContext({ locale: 'en-GB', javaScriptEnabled: hydrated(info) });
    const other = await english.newPage();
    await other.goto(new URL(link).pathname);
    await onCategory(other, 2);
    await english.close();

    for (const n of [2, 3]) {
      await answerPage(page, '3');
      if (!hydrated(info)) await page.locator('button[name="go"][value="next"]').click();
      await onCategory(page, n + 1);
      await ready(page, info);
    }
    await answerPage(page, '2');
    await page.locator('button[name="go"][value="finish"]').click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
    // the category that needs most work, named in Dutch
    await expect(page.getByText(dutchTitle('structures_culture')).first()).toBeVisible();
    await ready(page, info);
    await axeClean(page, info);
  });
});
