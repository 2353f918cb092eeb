import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { answerAndMoveOn, answerPage, hydrated, open, ready, startLeadership } from './helpers';

test('a leader completes the reflection and sees the category that needs most work', async ({ page }, info) => {
  // every page's Content-Security-Policy must let hydration, ECharts and the live data through:
  // record any violation the browser reports
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await startLeadership(page, info);
  await expect(page.getByText('category 1 of 4')).toBeVisible();
  await answerAndMoveOn(page, info, 1, '4');
  await expect(page.getByRole('heading', { level: 1, name: 'Managing the teaching and learning programme' })).toBeVisible();
  await answerAndMoveOn(page, info, 2, '2');
  await answerAndMoveOn(page, info, 3, '3');
  await answerPage(page, '5');
  await page.getByLabel(/\(optional\)$/).fill('Ask the partner school to co-lead.');
  if (hydrated(info)) await expect(page.getByText('press “Finish” to see your profile')).toBeVisible();
  await page.getByRole('button', { name: 'Finish and see my profile' }).click();

  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByText('Needs most work: Managing the teaching and learning programme')).toBeVisible();
  // the table alternative, with the weakest row marked
  const table = page.getByRole('table', { name: 'Your mean per category (the lowest is marked)' });
  await expect(table.getByRole('row', { name: /Managing the teaching and learning programme \(needs most work\) 2\.00/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Organising .* 4\.00/ })).toBeVisible();
  // the statements behind it
  await expect(page.getByRole('table', { name: 'Statements in the category that needs most work' }).getByRole('row')).toHaveCount(10);
  await expect(page.getByText('Ask the partner school to co-lead.')).toBeVisible();
  if (hydrated(info)) {
    await ready(page, info);
    // ECharts, served by the app, drew the overview chart
    await expect(page.locator('#chart-overview canvas')).toHaveCount(1);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  }
  // the action plan is saved and still there after a reload
  await page.getByLabel(/concrete steps/).fill('Plan a monthly data team meeting.');
  await page.getByRole('button', { name: 'Save my action plan' }).click();
  await expect(page.getByText('Your action plan is saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(/concrete steps/)).toHaveValue('Plan a monthly data team meeting.');
});

test('the private link resumes on another device', async ({ page, browser }, info) => {
  await startLeadership(page, info);
  await answerAndMoveOn(page, info, 1, '3');
  const link = (await page.locator('a.private-link').textContent())!.trim();
  expect(link).toMatch(/\/r\/[0-9a-f]{48}$/);
  // another device: a fresh browser context without cookies or storage
  const other = await browser.newContext({ javaScriptEnabled: hydrated(info) });
  const page2 = await other.newPage();
  await page2.goto(new URL(link).pathname);
  await expect(page2).toHaveURL(/\/c\/2$/);
  await expect(page2.getByRole('heading', { level: 1, name: 'Managing the teaching and learning programme' })).toBeVisible();
  await ready(page2, info);
  // the earlier answers are there
  await page2.getByRole('button', { name: 'Back' }).click();
  await expect(page2).toHaveURL(/\/c\/1$/);
  await expect(page2.locator('fieldset.likert input[value="3"]:checked')).toHaveCount(9);
  await other.close();
});

test('a wrong answer from an old form is refused with a clear message', async ({ page }, info) => {
  test.skip(hydrated(info), 'plain form posts only');
  await startLeadership(page, info);
  // tamper with one radio's value as a stale or crafted form would
  await page.locator('fieldset.likert').first().locator('input[value="5"]').evaluate((el: HTMLInputElement) => (el.value = '9'));
  await page.locator('fieldset.likert').first().locator('input[value="9"]').check();
  await page.getByRole('button', { name: 'Next category' }).click();
  // the address carries a code, never the message (which would echo the posted value)
  await expect(page).toHaveURL(/\/c\/1\?error=invalid$/);
  await expect(page.getByRole('alert')).toContainText('Something in the form is not right');
});

test('respondents can delete all their answers', async ({ page }, info) => {
  await startLeadership(page, info);
  for (const [i, v] of [[1, '4'], [2, '3'], [3, '2']] as const) await answerAndMoveOn(page, info, i, v);
  await answerPage(page, '4');
  await page.getByRole('button', { name: 'Finish and see my profile' }).click();
  await expect(page.getByText('Needs most work: Understanding and developing people')).toBeVisible();
  const url = page.url();
  await ready(page, info);
  await page.getByRole('button', { name: 'Delete all my answers' }).click();
  await expect(page.getByRole('alert')).toContainText('Tick the box');
  await page.getByLabel(/Yes, delete all my answers/).check();
  await page.getByRole('button', { name: 'Delete all my answers' }).click();
  await expect(page.getByRole('heading', { name: 'Your answers are deleted' })).toBeVisible();
  await page.goto(url);
  await expect(page.getByRole('alert')).toContainText('No reflection belongs to this link');
});

test('start page, a category page and the profile have no serious accessibility violations', async ({ page }, info) => {
  // axe-core runs as a script in the page; the markup without JavaScript is the same server HTML
  test.skip(!hydrated(info), 'axe-core needs JavaScript in the page');
  const check = async (what: string) => {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${what}: ${v.id} – ${v.help} (${v.nodes.length})`)).toEqual([]);
  };
  await open(page, info, '/start/leadership-reflection');
  await check('start page');
  await startLeadership(page, info);
  await check('category page');
  for (const [i, v] of [[1, '4'], [2, '3'], [3, '2']] as const) await answerAndMoveOn(page, info, i, v);
  await answerPage(page, '4');
  await page.getByRole('button', { name: 'Finish and see my profile' }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await ready(page, info);
  await check('profile');
});
