import { test, expect, APIRequestContext, Browser, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { answerPage, finishThroughApi, hydrated, open, ready, signIn } from './helpers';

const ADMIN = process.env.REFLECT_ADMIN_EMAIL ?? 'admin@e2e.test';
const PASSWORD = process.env.REFLECT_ADMIN_PASSWORD ?? '';
const COORDINATOR_PASSWORD = 'coordinator password for e2e';

/** On /admin: a school, and a coordinator account for it. */
async function schoolWithCoordinator(page: Page, info: TestInfo, school: string, email: string) {
  await page.getByLabel('Name', { exact: true }).fill(school);
  await page.getByRole('button', { name: 'Create the school' }).click();
  await expect(page.getByRole('row', { name: new RegExp(school) })).toBeVisible();
  await ready(page, info);
  await expect(async () => {
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel(/^Password \(at least/).fill(COORDINATOR_PASSWORD);
    await page.getByLabel('Role').selectOption('coordinator');
    await page.getByLabel('School (for a school coordinator)').selectOption({ label: school });
    await expect(page.getByLabel('E-mail address')).toHaveValue(email, { timeout: 500 });
  }).toPass();
  await page.getByRole('button', { name: 'Create the account' }).click();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();
}

/** A teacher on their own phone opens the group link, types their code and starts. */
async function teacher(browser: Browser, info: TestInfo, link: string, code: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: hydrated(info), viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await open(page, info, link);
  await expect(page.getByText(/invites its teachers to reflect/)).toBeVisible();
  await expect(page.getByText('You answer as: Teacher')).toBeVisible();
  // nothing to type but the invitation code: no school code, no role to pick
  await expect(page.getByLabel('School code (optional)')).toHaveCount(0);
  await page.getByLabel('Your invitation code').fill(code);
  await page.getByRole('group', { name: 'May your anonymous answers be used for research?' }).getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Start the reflection' }).click();
  return page;
}

test('a coordinator opens a round with invitations; teachers start through the group link, each code once; the round closes', async ({ page, browser }, info) => {
  test.skip(!PASSWORD, 'REFLECT_ADMIN_PASSWORD is set by scripts/test.sh');
  test.setTimeout(120_000);
  const run = info.project.name;
  const school = `Birch School ${run}`;
  const coordinator = `coordinator-${run}@e2e.test`;

  await signIn(page, info, ADMIN, PASSWORD, '/admin');
  await schoolWithCoordinator(page, info, school, coordinator);
  await page.context().clearCookies();

  // the coordinator opens a round from the signed-in bar's link
  await signIn(page, info, coordinator, COORDINATOR_PASSWORD, '/results');
  await page.getByRole('link', { name: 'Rounds' }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Your school's rounds" })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('School', { exact: true }).selectOption({ label: school });
  await page.getByLabel('Questionnaire').selectOption('leadership-reflection');
  await page.getByLabel('Data use').check();
  await page.getByLabel(/^Only invited people/).check();
  await page.getByRole('button', { name: 'Open the round' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${school}: Leadership reflection` })).toBeVisible();
  await ready(page, info);
  await expect(page.getByRole('status')).toContainText('Open');
  const roundUrl = page.url();
  const link = await page.getByLabel('Group link').nth(1).inputValue();
  expect(link).toMatch(/\/g\/[0-9a-f]{32}$/);
  const teachers = page.locator('section.round-group').nth(1);
  await expect(teachers.getByRole('heading', { level: 2, name: 'Teachers' })).toBeVisible();
  await expect(teachers.locator('dd').first()).toHaveText('nobody yet');

  // two invitation codes for the teachers, on a page to print
  await teachers.getByLabel('Number of codes').fill('2');
  await teachers.getByRole('button', { name: 'Make codes to print' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Invitations: ${school}, Teachers` })).toBeVisible();
  const codes = await page.locator('.slip code').allTextContents();
  expect(codes).toHaveLength(2);
  for (const c of codes) expect(c).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(page.locator('.slip .link').first()).toHaveText(link);

  // a teacher starts with the first code (typed in lower case), on a 320 px phone
  const first = await teacher(browser, info, link, codes[0].toLowerCase());
  await expect(first).toHaveURL(/\/r\/[0-9a-f]{48}\/c\/1$/);
  await ready(first, info);
  await answerPage(first, '4');
  await first.context().close();

  // the same code again: refused with a message, on the same page
  const again = await teacher(browser, info, link, codes[0]);
  await expect(again.getByRole('alert')).toContainText('This invitation code is not valid or has been used');
  await expect(again).toHaveURL(/\/g\//);
  await again.context().close();

  // participation shows in bands; closing the round stops new starts
  await open(page, info, roundUrl);
  const group = page.locator('section.round-group').nth(1);
  await expect(group.locator('dd').first()).toHaveText('fewer than 5');
  await expect(group.getByText('2 invitation codes made for this group.')).toBeVisible();
  await page.getByRole('button', { name: 'Close the round now' }).click();
  await expect(page.getByRole('status')).toContainText('Closed');
  await expect(page.getByRole('button', { name: 'Close the round now' })).toHaveCount(0);
  const late = await browser.newContext({ javaScriptEnabled: hydrated(info) });
  const latePage = await late.newPage();
  await open(latePage, info, link);
  await expect(latePage.getByText('This round is closed: it accepts no new reflections.')).toBeVisible();
  await expect(latePage.getByRole('button', { name: 'Start the reflection' })).toHaveCount(0);
  await late.close();
});

/** One finished reflection through a group link, with the same server functions the pages use. */
async function throughLink(api: APIRequestContext, link: string, role: string, value: string) {
  const token = link.split('/g/')[1];
  const started = await api.post('/api/start_from_link', {
    form: { link: token, role, invitation: '', consent: 'yes' },
    headers: { Accept: 'application/json' },
  });
  expect(started.status(), await started.text()).toBe(200);
  const reflection: string = await started.json();
  await finishThroughApi(api, reflection, () => value);
}

/** One finished reflection of a teacher with a school code. */
async function withCode(api: APIRequestContext, schoolCode: string) {
  const started = await api.post('/api/start_reflection', {
    form: { instrument: 'leadership-reflection', role: 'teacher', innovation: 'pln', consent: 'yes', school_code: schoolCode },
    headers: { Accept: 'application/json' },
  });
  expect(started.status(), await started.text()).toBe(200);
  const token: string = await started.json();
  await finishThroughApi(api, token, () => '3');
}

test('five leaders and five teachers answer through the group links; the coordinator closes the round and downloads the school report', async ({ page, browser, request }, info) => {
  test.skip(!PASSWORD, 'REFLECT_ADMIN_PASSWORD is set by scripts/test.sh');
  test.setTimeout(180_000);
  const run = info.project.name;
  const school = `Rowan School ${run}`;
  const coordinator = `report-${run}@e2e.test`;

  await signIn(page, info, ADMIN, PASSWORD, '/admin');
  await schoolWithCoordinator(page, info, school, coordinator);
  // a second school of the same run, whose teachers answer with its code (below)
  const neighbour = `Alder School ${run}`;
  await page.getByLabel('Name', { exact: true }).fill(neighbour);
  await page.getByRole('button', { name: 'Create the school' }).click();
  const row = page.getByRole('row', { name: new RegExp(neighbour) });
  await expect(row).toBeVisible();
  const neighbourCode = (await row.getByRole('cell').nth(1).textContent())!.trim();
  expect(neighbourCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await page.context().clearCookies();
  await signIn(page, info, coordinator, COORDINATOR_PASSWORD, '/rounds');
  await ready(page, info);
  await page.getByLabel('School', { exact: true }).selectOption({ label: school });
  await page.getByLabel('Questionnaire').selectOption('leadership-reflection');
  // An innovation no other spec answers about: everyone's "Other" view then holds exactly this
  // round's ten. With 1..4 more people elsewhere on the same innovation, the round would rightly
  // be withheld (everyone on it minus this round would be those few).
  await page.getByLabel('Other', { exact: true }).check();
  await page.getByLabel(/^In a few words/).fill('Peer coaching');
  await page.getByRole('button', { name: 'Open the round' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${school}: Leadership reflection` })).toBeVisible();
  await ready(page, info);
  const roundUrl = page.url();
  const leaders = await page.getByLabel('Group link').nth(0).inputValue();
  const teachers = await page.getByLabel('Group link').nth(1).inputValue();
  // no report while the round runs
  await expect(page.getByText(/The school report is ready once the round has closed/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open the school report' })).toHaveCount(0);

  for (let i = 0; i < 5; i++) await throughLink(request, leaders, 'headteacher', '2');
  for (let i = 0; i < 5; i++) await throughLink(request, teachers, 'teacher', '4');
  // Five teachers of another school finish after them (one school alone never makes a release
  // above school level). Until everyone's figures are released with this round in them, the
  // round beside them is withheld to be safe. The groups above school level release together,
  // once no part shown changes by fewer than k without any one school (issue 14): what the specs
  // before this one left waiting can hold that release back for as long as nobody else finishes,
  // which in this run is for good. So the operator's repair releases everything at once here, as
  // after a fault (`reflect recompute-aggregates`); the release rule itself is tested in
  // tests/it/results.rs.
  for (let i = 0; i < 5; i++) await withCode(request, neighbourCode);
  const root = join(__dirname, '..', '..');
  const build = process.env.REFLECT_E2E_RELEASE ? 'release' : 'debug';
  execFileSync(join(root, 'target', build, 'reflect'), ['recompute-aggregates'], { cwd: root, env: process.env });

  await open(page, info, roundUrl);
  await expect(page.locator('section.round-group').nth(0).locator('dd').nth(1)).toHaveText('5 or more');
  await page.getByRole('button', { name: 'Close the round now' }).click();
  await expect(page.getByRole('status')).toContainText('Closed');
  await page.getByRole('link', { name: 'Open the school report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `School report: ${school}` })).toBeVisible();
  await ready(page, info);
  await expect(page.getByText('Respondents: 10 (leaders: 5; teachers: 5).')).toBeVisible();
  // the chart's table: leaders 2, teachers 4, the gap 2 (no spread, so no interval to speak of)
  const table = page.locator('#report-categories table');
  await expect(table.getByRole('columnheader', { name: 'Leaders', exact: true })).toBeVisible();
  await expect(table.getByRole('row').nth(1)).toContainText('3.00');
  await expect(table.getByRole('row').nth(1)).toContainText('2.00');
  await expect(table.getByRole('row').nth(1)).toContainText('4.00');
  await expect(table.getByRole('row').nth(1)).toContainText('+2.00');
  await expect(page.getByRole('heading', { level: 2, name: 'Needs most work' })).toBeVisible();
  await expect(page.getByText(/This is the school's first round on this questionnaire/)).toBeVisible();
  // fits a phone too
  const phone = await browser.newContext({ javaScriptEnabled: hydrated(info), viewport: { width: 320, height: 640 }, storageState: await page.context().storageState() });
  const small = await phone.newPage();
  await open(small, info, page.url());
  await expect(small.getByRole('heading', { level: 1, name: `School report: ${school}` })).toBeVisible();
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.close();

  // the PDF to share
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download as PDF' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^report-\d{4}-\d{2}-\d{2}\.pdf$/);
  const file = await download.path();
  const bytes = readFileSync(file!);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(bytes.length).toBeGreaterThan(10_000);
});
