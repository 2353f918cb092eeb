import { test, expect, APIRequestContext } from '@playwright/test';
import * as fs from 'fs';
import { createAccount, finishThroughApi, open, ready, signIn } from './helpers';

const ADMIN = process.env.REFLECT_ADMIN_EMAIL ?? 'admin@e2e.test';
const PASSWORD = process.env.REFLECT_ADMIN_PASSWORD ?? '';
const RESEARCHER_PASSWORD = 'researcher password for e2e';

/** A finished leadership reflection, consenting to research, through the pages' server functions. */
async function consentingReflection(api: APIRequestContext) {
  const started = await api.post('/api/start_reflection', {
    form: { instrument: 'leadership-reflection', role: 'teacher', innovation: 'data_use', consent: 'yes' },
    headers: { Accept: 'application/json' },
  });
  expect(started.status()).toBe(200);
  const token: string = await started.json();
  await finishThroughApi(api, token, () => '3');
}

test('a researcher previews and downloads an anonymised export', async ({ page, request }, info) => {
  test.skip(!PASSWORD, 'REFLECT_ADMIN_PASSWORD is set by scripts/test.sh');
  test.setTimeout(120_000);
  const researcher = `researcher-${info.project.name}@e2e.test`;
  for (let i = 0; i < 5; i++) await consentingReflection(request);

  // the admin creates the researcher's account
  await signIn(page, info, ADMIN, PASSWORD, '/admin');
  await createAccount(page, researcher, RESEARCHER_PASSWORD, 'researcher');
  await page.context().clearCookies();

  await signIn(page, info, researcher, RESEARCHER_PASSWORD, '/results');
  await page.getByRole('link', { name: /Research export/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Research export' })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Questionnaire').selectOption('leadership-reflection');
  // no role filter: other specs' respondents decide whether the whole export shows teachers as
  // "teacher" or only as "any", and a role filter selects by what the whole shows
  await expect(page.getByLabel('Role').locator('option[value="teacher"]')).toHaveCount(1);
  // schools, networks and countries are picked from lists, not typed
  await expect(page.getByLabel('School').locator('option').first()).toHaveText('All schools');
  await expect(page.getByLabel('Network').locator('option').first()).toHaveText('All networks');
  await expect(page.getByLabel('Country').locator('option').first()).toHaveText('All countries');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page).toHaveURL(/instrument=leadership-reflection/);
  await expect(page.locator('#export-counts')).toContainText(/\d+ respondents/);
  await ready(page, info);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /long CSV/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^reflect-responses-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split('\n');
  expect(lines[0]).toBe('respondent,school,country,role,innovation,instrument,version,period,language,category,subcategory,item,value');
  expect(lines.length).toBeGreaterThan(5 * 36);
  // pseudonyms, never resume tokens
  expect(lines[1]).toMatch(/^R\d{4,},/);
  // the language answered in: a known code, or "any" where the anonymisation coarsened it
  for (const line of lines.slice(1)) {
    expect(['en', 'nl', 'cs', 'sl', 'es', 'sv', 'any']).toContain(line.split(',')[8]);
  }
  expect(csv).not.toMatch(/[0-9a-f]{48}/);

  // the same answers as JSON, one object per respondent, and the R script for the wide CSV
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /JSON \(one object/ }).click(),
  ]);
  expect(json.suggestedFilename()).toMatch(/^reflect-responses-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(fs.readFileSync((await json.path())!, 'utf8'));
  expect(doc.instrument).toBe('leadership-reflection');
  const inCsv = new Set(lines.slice(1).map((l) => l.split(',')[0])).size;
  // respondents who finished without a single answer have a JSON object but no CSV row
  expect(doc.respondents.length).toBeGreaterThanOrEqual(inCsv);
  expect(doc.respondents[0].respondent).toMatch(/^R\d{4,}$/);
  expect(Object.keys(doc.respondents[0].answers).length).toBeGreaterThan(0);
  const [script] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /R script/ }).click(),
  ]);
  expect(script.suggestedFilename()).toBe('reflect-wide.R');
  expect(fs.readFileSync((await script.path())!, 'utf8')).toContain('scale_items <- list(');
});
