// Every stored answer is one the respondent gave: pages answered in part, statements skipped, Back,
// Next, auto-advance and the browser's back button, hydrated and without JavaScript, on a desktop
// and on a phone. After each walk the stored answers (read through the same server function the
// page uses) must equal exactly what was clicked.
import { test, expect, Page, TestInfo, Locator } from '@playwright/test';
import { hydrated, open, ready, startLeadership } from './helpers';

type Stored = Record<string, string>;

// A panic in the WebAssembly (e.g. a disposed signal touched by a late timer) stops the page's
// scripts for good: any such message fails the test.
const panics = new WeakMap<Page, string[]>();
test.beforeEach(async ({ page }) => {
  const seen: string[] = [];
  panics.set(page, seen);
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked|unreachable|disposed/.test(m.text())) seen.push(m.text());
  });
  page.on('pageerror', (e) => seen.push(String(e)));
});
test.afterEach(async ({ page }) => {
  expect(panics.get(page) ?? [], 'errors in the browser').toEqual([]);
});

const tokenOf = (page: Page) => page.url().match(/\/r\/([0-9a-f]{48})\//)![1];

/** The answers stored for category `index`, as the server has them. */
async function stored(page: Page, token: string, index: number): Promise<Stored> {
  const res = await page.request.post('/api/get_category', { form: { token, index: String(index) } });
  expect(res.status()).toBe(200);
  return (await res.json()).answers as Stored;
}

/** The ids of the statements on the current page, in order. */
async function itemIds(page: Page): Promise<string[]> {
  return page.locator('fieldset.item, div.item').evaluateAll((els) => els.map((e) => e.id.replace(/^item-/, '')));
}

/** What the page shows as chosen: item id → value (radios and filled fields). */
async function shown(page: Page): Promise<Stored> {
  return page.locator('form.category-form').evaluate((form: HTMLFormElement) => {
    const out: Record<string, string> = {};
    for (const el of Array.from(form.querySelectorAll('input, textarea'))) {
      const input = el as HTMLInputElement;
      const m = input.name.match(/^answers\[(.+)\]$/);
      const mm = input.name.match(/^multi\[(.+)\]\[(.+)\]$/);
      if (m && (input.type === 'radio' ? input.checked : input.value !== '')) out[m[1]] = input.value;
      if (mm && input.checked) out[mm[1]] = out[mm[1]] ? `${out[mm[1]]},${mm[2]}` : mm[2];
    }
    return out;
  });
}

/** Picks `value` for the statement `item` as a person would: a click, or a tap on a phone. */
async function pick(page: Page, item: string, value: string, touch: boolean) {
  const radio: Locator = page.locator(`#item-${item} input[type="radio"][value="${value}"]`);
  if (touch) await radio.tap();
  else await radio.check();
  await expect(radio).toBeChecked();
}

/** Presses a navigation button; if the page asks about unanswered statements, goes on anyway. */
async function press(page: Page, info: TestInfo, name: string | RegExp, expectedUrl: RegExp) {
  await page.getByRole('button', { name }).click();
  const anyway = page.getByRole('button', { name: /anyway/ });
  await expect(async () => {
    if (await anyway.isVisible()) await anyway.click();
    await expect(page).toHaveURL(expectedUrl, { timeout: 1000 });
  }).toPass();
  await ready(page, info);
}

async function waitSaved(page: Page, info: TestInfo) {
  if (hydrated(info)) await expect(page.locator('.save-status')).toContainText('All answers on this page are saved');
}

for (const device of [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, touch: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, touch: true },
]) {
  test.describe(`on a ${device.name}`, () => {
    test.use({ viewport: device.viewport, hasTouch: device.touch, isMobile: device.touch });

    test('a leader who answers only some statements gets exactly those stored', async ({ page }, info) => {
      test.setTimeout(120_000);
      await startLeadership(page, info);
      const token = tokenOf(page);
      const expected: Record<number, Stored> = { 1: {}, 2: {}, 3: {}, 4: {} };

      // page 1: two of nine statements
      const p1 = await itemIds(page);
      expect(p1.length).toBeGreaterThan(3);
      await pick(page, p1[0], '4', device.touch);
      await pick(page, p1[2], '2', device.touch);
      expected[1] = { [p1[0]]: '4', [p1[2]]: '2' };
      await waitSaved(page, info);
      await press(page, info, 'Next category', /\/c\/2(\?|$)/);

      // page 2 shows nothing of page 1
      await expect(page.getByText('category 2 of 4')).toBeVisible();
      expect(await shown(page)).toEqual({});
      const p2 = await itemIds(page);
      await pick(page, p2[1], '5', device.touch);
      expected[2] = { [p2[1]]: '5' };
      await waitSaved(page, info);

      // Back: page 1 as it was stored
      await press(page, info, 'Back', /\/c\/1(\?|$)/);
      await expect(page.getByText('category 1 of 4')).toBeVisible();
      expect(await shown(page)).toEqual(expected[1]);

      // the browser's back button: page 2 again, with only its own answer
      await page.goBack();
      await expect(page).toHaveURL(/\/c\/2(\?|$)/);
      await expect(page.getByText('category 2 of 4')).toBeVisible();
      await ready(page, info);
      expect(await shown(page)).toEqual(expected[2]);

      // page 2 completed: auto-advance with JavaScript, Next without
      for (const id of p2) {
        if (id === p2[1]) continue;
        await pick(page, id, '3', device.touch);
        expected[2][id] = '3';
      }
      if (hydrated(info)) {
        await expect(page).toHaveURL(/\/c\/3$/, { timeout: 15_000 });
        await ready(page, info);
      } else {
        await press(page, info, 'Next category', /\/c\/3(\?|$)/);
      }
      await expect(page.getByText('category 3 of 4')).toBeVisible();
      // page 3 after a complete page 2: nothing chosen
      expect(await shown(page)).toEqual({});

      // page 3 skipped entirely
      await press(page, info, 'Next category', /\/c\/4(\?|$)/);
      await expect(page.getByText('category 4 of 4')).toBeVisible();
      expect(await shown(page)).toEqual({});
      const p4 = await itemIds(page);
      await pick(page, p4[p4.length - 1], '1', device.touch);
      expected[4] = { [p4[p4.length - 1]]: '1' };
      await waitSaved(page, info);
      await press(page, info, /^Finish/, /\/profile$/);

      for (const n of [1, 2, 3, 4]) expect(await stored(page, token, n), `category ${n}`).toEqual(expected[n]);
    });
  });
}

test('the networking baseline stores exactly the choices, numbers and words given', async ({ page }, info) => {
  test.setTimeout(120_000);
  await open(page, info, '/');
  await page.getByRole('link', { name: 'Start: Networking baseline for headteachers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Networking baseline for headteachers' })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Headteacher / principal').check();
  await page.getByLabel('Professional learning network (PLN)').check();
  await page.getByRole('group', { name: 'May your anonymous answers be used for research?' }).getByLabel('No').check();
  await page.getByRole('button', { name: 'Start the reflection' }).click();
  await expect(page).toHaveURL(/\/c\/1$/);
  await ready(page, info);
  const token = tokenOf(page);

  // page 1: country and years, school type skipped
  await page.locator('#item-resp_country').getByLabel('Netherlands').check();
  await page.locator('#in-resp_years_role').fill('7');
  await page.locator('#in-resp_years_role').blur();
  await waitSaved(page, info);
  await press(page, info, 'Next category', /\/c\/2(\?|$)/);

  // page 2 shows nothing of page 1
  await expect(page.getByText(/category 2 of \d+/i)).toBeVisible();
  expect(await shown(page)).toEqual({});
  await page.locator('#item-ti_collab_freq').getByLabel('Every month').check();
  await page.locator('#in-ti_network_share').fill('40');
  await page.locator('#in-ti_network_share').blur();
  await waitSaved(page, info);
  await press(page, info, 'Next category', /\/c\/3(\?|$)/);

  // page 3: two topics and a few words
  await expect(page.getByText(/category 3 of \d+/i)).toBeVisible();
  expect(await shown(page)).toEqual({});
  const topics = page.locator('#item-top_current input[type="checkbox"]');
  await topics.nth(0).check();
  await topics.nth(2).check();
  const chosen = await topics.evaluateAll((els) =>
    els.filter((e) => (e as HTMLInputElement).checked).map((e) => (e as HTMLInputElement).name.match(/\]\[(.+)\]$/)![1]),
  );
  await page.locator('#in-top_other').fill('Reading');
  await page.locator('#in-top_other').blur();
  await waitSaved(page, info);

  // back to page 2 and forward again: nothing changes
  await press(page, info, 'Back', /\/c\/2(\?|$)/);
  expect(await shown(page)).toEqual({ ti_collab_freq: 'monthly', ti_network_share: '40' });
  await press(page, info, 'Next category', /\/c\/3(\?|$)/);
  await press(page, info, 'Next category', /\/c\/4(\?|$)/);
  expect(await shown(page)).toEqual({});

  expect(await stored(page, token, 1)).toEqual({ resp_country: 'nl', resp_years_role: '7' });
  expect(await stored(page, token, 2)).toEqual({ ti_collab_freq: 'monthly', ti_network_share: '40' });
  expect(await stored(page, token, 3)).toEqual({ top_current: chosen.join(','), top_other: 'Reading' });
  expect(await stored(page, token, 4)).toEqual({});
});

/** Moves the keyboard focus forward until it is on a radio button of a statement. */
async function tabToFirstStatement(page: Page) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'radio')) return;
  }
  throw new Error('no statement reached with Tab');
}

test('keyboard only: a category completed with arrow keys is never moved mid-choice', async ({ page }, info) => {
  test.skip(!hydrated(info), 'auto-advance needs JavaScript');
  await startLeadership(page, info);
  const token = tokenOf(page);
  const ids = await itemIds(page);
  await tabToFirstStatement(page);
  for (let i = 0; i < ids.length; i++) {
    // arrowing through the scale changes the answer at each step: 2, 3, 4, 3
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowLeft']) await page.keyboard.press(key);
    if (i < ids.length - 1) await page.keyboard.press('Tab');
  }
  await waitSaved(page, info);
  // well past any pause: still on the page the person is working on
  await page.waitForTimeout(4000);
  await expect(page).toHaveURL(/\/c\/1$/);
  expect(await stored(page, token, 1)).toEqual(Object.fromEntries(ids.map((id) => [id, '3'])));
  // on they go when they choose to: the button, by keyboard
  await page.getByRole('button', { name: 'Next category' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/c\/2$/);
  // focus on the new category's heading, which names the step
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toBeFocused();
  await expect(heading).toContainText('Managing the teaching and learning programme');
  await expect(heading).toContainText('2 of 4');
});

test('auto-advance waits visibly, any interaction cancels it, and a revisited page never moves', async ({ page }, info) => {
  test.skip(!hydrated(info), 'auto-advance needs JavaScript');
  await startLeadership(page, info);
  const ids = await itemIds(page);
  for (const id of ids.slice(0, -1)) await pick(page, id, '4', false);
  await pick(page, ids[ids.length - 1], '4', false);
  // the last statement's first answer by pointer: a visible countdown
  const countdown = page.locator('.advance');
  await expect(countdown).toContainText(/Moving on/);
  // a change of mind cancels it
  await pick(page, ids[0], '2', false);
  await expect(countdown).toHaveCount(0);
  await page.waitForTimeout(4000);
  await expect(page).toHaveURL(/\/c\/1$/);
  await press(page, info, 'Next category', /\/c\/2$/);
  // back on the complete page, changing one answer does not move on
  await press(page, info, 'Back', /\/c\/1$/);
  await pick(page, ids[3], '5', false);
  await waitSaved(page, info);
  await page.waitForTimeout(4000);
  await expect(page).toHaveURL(/\/c\/1$/);
  // page 2 by pointer: moves on by itself, focus on the new heading
  await press(page, info, 'Next category', /\/c\/2$/);
  for (const id of await itemIds(page)) await pick(page, id, '3', false);
  await expect(page).toHaveURL(/\/c\/3$/, { timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  expect(await shown(page)).toEqual({});
});

test('Next pressed during the countdown goes on at once', async ({ page }, info) => {
  test.skip(!hydrated(info), 'auto-advance needs JavaScript');
  await startLeadership(page, info);
  const token = tokenOf(page);
  const ids = await itemIds(page);
  for (const id of ids) await pick(page, id, '4', false);
  await expect(page.locator('.advance')).toContainText(/Moving on/);
  // the press must not move the button away (the countdown's notice vanishing under it)
  await page.getByRole('button', { name: 'Next category' }).click();
  await expect(page).toHaveURL(/\/c\/2$/, { timeout: 2000 });
  expect(await stored(page, token, 1)).toEqual(Object.fromEntries(ids.map((id) => [id, '4'])));
});

test('answers picked before the page is ready are saved when it is', async ({ page }, info) => {
  test.skip(!hydrated(info), 'about the time before hydration');
  await startLeadership(page, info);
  const token = tokenOf(page);
  const ids = await itemIds(page);
  // a slow phone: the WebAssembly arrives seconds after the page
  await page.route('**/pkg/**/*.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue();
  });
  await page.goto(`/r/${token}/c/1`);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await page.locator(`#item-${ids[0]} input[value="2"]`).check();
  await page.locator(`#item-${ids[4]} input[value="5"]`).check();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await ready(page, info);
  await waitSaved(page, info);
  expect(await stored(page, token, 1)).toEqual({ [ids[0]]: '2', [ids[4]]: '5' });
});
