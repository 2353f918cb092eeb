// Every page reflows at 320 px (WCAG 1.4.10: the document is never wider than the viewport; wide
// data tables scroll inside their own box), has no serious accessibility violation, and — when
// REFLECT_SCREENSHOTS names a folder — is photographed at 390 px and at 1280 × 720 for a person
// to look at.
import { test, expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, ready, signIn } from './helpers';

const ADMIN = process.env.REFLECT_ADMIN_EMAIL ?? 'admin@e2e.test';
const PASSWORD = process.env.REFLECT_ADMIN_PASSWORD ?? '';
const SHOTS = process.env.REFLECT_SCREENSHOTS ?? '';

/** Opens `url` at 320 px and checks that nothing sticks out sideways; then axe and screenshots. */
async function check(page: Page, info: TestInfo, url: string, name: string, status = 200) {
  await page.setViewportSize({ width: 320, height: 640 });
  const res = await page.goto(url);
  expect(res!.status(), `${name}: ${url}`).toBe(status);
  await ready(page, info);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  // what sticks out, to say so in the failure
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > 320.5 && !e.closest('.table-wrap'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`),
  );
  expect(width, `${name} (${url}) is ${width} px wide at 320 px: ${wide.join(', ')}`).toBeLessThanOrEqual(320);
  if (hydrated(info)) {
    const axe = await new AxeBuilder({ page }).analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${name}: ${v.id} – ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`)).toEqual([]);
  }
  if (SHOTS && hydrated(info)) {
    for (const [label, size] of [['390', { width: 390, height: 844 }], ['1280x720', { width: 1280, height: 720 }]] as const) {
      // loaded at that size, as a phone or projector would (charts are drawn for their box)
      await page.setViewportSize(size);
      await page.goto(url);
      await ready(page, info);
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${SHOTS}/${name}-${label}.png`, fullPage: label === '390' });
    }
  }
}

/** A reflection answered through the server functions; finished when `finish` is set. */
async function reflection(page: Page, schoolCode: string, finish: boolean): Promise<string> {
  const api = page.request;
  const started = await api.post('/api/start_reflection', {
    form: { instrument: 'leadership-reflection', role: 'headteacher', innovation: 'data_use', consent: 'yes', school_code: schoolCode },
    headers: { Accept: 'application/json' },
  });
  expect(started.status()).toBe(200);
  const token: string = await started.json();
  for (let index = 1; index <= 4; index++) {
    const view = await (await api.post('/api/get_category', { form: { token, index: String(index) } })).json();
    const form: Record<string, string> = { token, index: String(index), go: index === 4 && finish ? 'finish' : 'stay' };
    let n = 0;
    for (const sub of view.category.subcategories) for (const item of sub.items) form[`answers[${item.id}]`] = String(1 + (n++ % 5));
    const saved = await api.post('/api/submit_category', { form, headers: { Accept: 'application/json' } });
    expect(saved.status(), await saved.text()).toBe(200);
  }
  return token;
}

test('every page reflows at 320 px and has no serious accessibility violation', async ({ page }, info) => {
  test.skip(!PASSWORD, 'REFLECT_ADMIN_PASSWORD is set by scripts/test.sh');
  test.setTimeout(300_000);
  // the respondent's pages
  for (const [url, name] of [
    ['/', 'home'],
    ['/join', 'join'],
    ['/start/leadership-reflection', 'start'],
    ['/start/networking-baseline', 'start-baseline'],
    ['/login', 'login'],
    ['/deleted', 'deleted'],
  ]) await check(page, info, url, name);
  await check(page, info, '/no-such-page', 'not-found', 404);
  const open = await reflection(page, '', false);
  for (const n of [1, 2, 3, 4]) await check(page, info, `/r/${open}/c/${n}`, `category-${n}`);
  await check(page, info, `/r/${open}/c/1?unanswered=3`, 'category-asked');
  const done = await reflection(page, '', true);
  await check(page, info, `/r/${done}/profile`, 'profile');

  // staff pages, signed in as the admin
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, info, ADMIN, PASSWORD, '/admin');
  for (const [url, name] of [
    ['/admin', 'admin'],
    ['/workshops', 'workshops'],
    ['/export', 'export'],
    ['/results', 'results-index'],
    ['/results/all', 'results-all'],
    ['/results/countries', 'results-countries'],
  ]) await check(page, info, url, name);
  const created = await page.request.post('/api/create_workshop', {
    form: { title: `Layout room ${info.project.name}`, instrument: 'leadership-reflection', 'categories[organising]': 'yes', 'categories[people]': 'yes', ask_poll: 'yes', word_prompt: 'One word?' },
    headers: { Accept: 'application/json' },
  });
  expect(created.status(), await created.text()).toBe(200);
  const id: string = await created.json();
  await check(page, info, `/workshops/${id}`, 'workshop');
  await check(page, info, `/workshops/${id}/present`, 'presenter');

  // the presenter view fits a 1280 × 720 projector without scrolling
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/workshops/${id}/present`);
  await ready(page, info);
  // the join code, the address and the QR code on the screen itself
  for (const what of ['.join-code', '.qr svg']) {
    const box = await page.locator(`.presenter ${what}`).first().boundingBox();
    expect(box, what).not.toBeNull();
    expect(box!.y + box!.height, `${what} within 720 px`).toBeLessThanOrEqual(720);
  }
  await expect(page.locator('.presenter').getByText(/\/join/).first()).toBeVisible();
  const scroll = await page.locator('.presenter').evaluate((el) => el.scrollHeight - el.clientHeight);
  expect(scroll, 'no scrolling on the projector').toBeLessThanOrEqual(0);
});
