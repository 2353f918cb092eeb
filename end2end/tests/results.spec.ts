import { test, expect, APIRequestContext, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'fs';
import { join } from 'path';
import { finishThroughApi, hydrated, open, ready } from './helpers';

// The Czech category titles as the translation file words them
const czechToml = readFileSync(join(__dirname, '..', '..', 'instruments', 'leadership-reflection.cs.toml'), 'utf8');
const czechTitle = (id: string) => czechToml.match(new RegExp(`\\[categories\\.${id}\\]\\s*\\ntitle = "([^"]+)"`))![1];

const ADMIN = process.env.REFLECT_ADMIN_EMAIL ?? 'admin@e2e.test';
const PASSWORD = process.env.REFLECT_ADMIN_PASSWORD ?? '';

/** One finished leadership reflection through the same server functions the pages use. */
async function finishedReflection(api: APIRequestContext, schoolCode: string, teaching: string) {
  const started = await api.post('/api/start_reflection', {
    form: { instrument: 'leadership-reflection', role: 'teacher', innovation: 'pln', consent: 'yes', school_code: schoolCode },
    headers: { Accept: 'application/json' },
  });
  expect(started.status()).toBe(200);
  const token: string = await started.json();
  await finishThroughApi(api, token, (category) => (category === 'teaching_learning' ? teaching : '4'));
}

async function signIn(page: Page, info: TestInfo) {
  await open(page, info, '/login?next=/admin');
  await page.getByLabel('E-mail address').fill(ADMIN);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin/);
  await expect(page.getByRole('heading', { level: 1, name: 'Schools, networks and accounts' })).toBeVisible();
  await ready(page, info);
}

/** Creates a school on the admin page and returns its join code as shown. */
async function createSchool(page: Page, info: TestInfo, name: string): Promise<string> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create the school' }).click();
  // the new row (the message of an earlier school may still be on the page until this one lands)
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toBeVisible();
  const code = (await row.getByRole('cell').nth(1).textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(page.getByText(`School created. Its join code is ${code}.`)).toBeVisible();
  await ready(page, info);
  return code;
}

test('a school of 6 shows its first release of 5, a school of 4 no results yet', async ({ page, request }, info) => {
  test.skip(!PASSWORD, 'REFLECT_ADMIN_PASSWORD is set by scripts/test.sh');
  test.setTimeout(120_000);
  await signIn(page, info);
  const run = info.project.name;
  const six = await createSchool(page, info, `Oak School ${run}`);
  const four = await createSchool(page, info, `Elm School ${run}`);
  for (let i = 0; i < 6; i++) await finishedReflection(request, six.toLowerCase(), '2');
  for (let i = 0; i < 4; i++) await finishedReflection(request, four, '3');
  // respondents outside these schools, so that "all" minus one school never singles out a few
  for (let i = 0; i < 5; i++) await finishedReflection(request, '', '4');

  // the school of 6
  await page.getByRole('row', { name: new RegExp(`Oak School ${run}`) }).getByRole('link', { name: 'Results' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Oak School ${run}` })).toBeVisible();
  const oakResults = new URL(page.url()).pathname;
  // the fifth made the group's first release; the sixth waits for the next one
  await expect(page.getByText('5 respondents', { exact: true })).toBeVisible();
  await expect(page.getByText(/Figures as released on [A-Z][a-z]{2} \d{1,2}, \d{4}\. They change only in releases/)).toBeVisible();
  await expect(page.getByText('Managing the teaching and learning programme needs most work.')).toBeVisible();
  const means = page.getByRole('table', { name: /Mean per category/ });
  await expect(means.getByRole('row', { name: /Managing the teaching and learning programme 2\.00/ })).toBeVisible();
  await expect(means.getByRole('row', { name: /Organising .* 4\.00/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Share of answers per category' })).toBeVisible();
  if (hydrated(info)) {
    await ready(page, info);
    await expect(page.locator('#chart-means canvas')).toHaveCount(1);
    await expect(page.locator('#chart-distribution canvas')).toHaveCount(1);
    const axe = await new AxeBuilder({ page }).analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `results page: ${v.id} – ${v.help} (${v.nodes.length})`)).toEqual([]);
  } else {
    // without JavaScript the tables carry everything; the chart boxes stay empty
    await expect(page.locator('#chart-means canvas')).toHaveCount(0);
  }
  // a filter that would single out a smaller group is refused, plainly
  await page.getByLabel('Role').selectOption('leaders');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/role=leaders/);
  await expect(page.getByText(/needs 5 more respondents/)).toBeVisible();

  // the school of 4
  await open(page, info, '/admin');
  await page.getByRole('row', { name: new RegExp(`Elm School ${run}`) }).getByRole('link', { name: 'Results' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Elm School ${run}` })).toBeVisible();
  await expect(page.getByText("No results yet: a group's results are first released once at least 5 of its respondents have finished.")).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
  await expect(page.getByText('needs most work')).toHaveCount(0);

  // the school of 6 in Czech: the Czech category names, the ranking and the numbers in Czech
  await open(page, info, `${oakResults}?lang=cs`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'cs');
  const teaching = czechTitle('teaching_learning');
  expect(teaching).toBe('Řízení programu výuky a učení');
  await expect(page.getByText(`Nejvíce pozornosti potřebuje: ${teaching}.`)).toBeVisible();
  const czechMeans = page.getByRole('table', { name: /Průměr v jednotlivých kategoriích/ });
  await expect(czechMeans.getByRole('row', { name: new RegExp(`${teaching} 2,00`) })).toBeVisible();
  await expect(czechMeans.getByRole('row', { name: new RegExp(`${czechTitle('organising').replace(/[()]/g, '.')} 4,00`) })).toBeVisible();
  await expect(page.getByText('Managing the teaching and learning programme', { exact: false })).toHaveCount(0);
  if (hydrated(info)) {
    await ready(page, info);
    await expect(page.locator('#chart-means canvas')).toHaveCount(1);
  }
});

test('results need a signed-in account', async ({ page }, info) => {
  const res = await page.goto('/results/all');
  expect(res!.status()).toBe(401);
  await expect(page.getByText('Please sign in to see this page.')).toBeVisible();
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/login/);
  await ready(page, info);
});
