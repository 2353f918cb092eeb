// A dropped connection loses nothing (JavaScript on): answers given without a connection wait on
// the device, also across a reload, and are stored in order once it returns; Next waits for them.
import { test, expect, Page } from '@playwright/test';
import { hydrated, ready, startLeadership } from './helpers';

type Stored = Record<string, string>;

const tokenOf = (page: Page) => page.url().match(/\/r\/([0-9a-f]{48})\//)![1];

/** The answers stored for category `index`, as the server has them (not through the page). */
async function stored(page: Page, token: string, index: number): Promise<Stored> {
  const res = await page.context().request.post('/api/get_category', { form: { token, index: String(index) } });
  expect(res.status()).toBe(200);
  return (await res.json()).answers as Stored;
}

async function itemIds(page: Page): Promise<string[]> {
  return page.locator('fieldset.likert').evaluateAll((els) => els.map((e) => e.closest('[id^="item-"]')!.id.replace(/^item-/, '')));
}

async function checked(page: Page, item: string): Promise<string | null> {
  return page.locator(`#item-${item} input[type="radio"]:checked`).evaluateAll((els) => (els[0] as HTMLInputElement | undefined)?.value ?? null);
}

const pick = (page: Page, item: string, value: string) => page.locator(`#item-${item} input[type="radio"][value="${value}"]`).check();

test('answers given offline are kept on the device and stored once the connection returns', async ({ page, context }, info) => {
  test.skip(!hydrated(info), 'keeping answers on the device needs JavaScript');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await startLeadership(page, info);
  const token = tokenOf(page);
  const items = await itemIds(page);
  expect(items.length).toBeGreaterThan(4);
  const status = page.locator('.save-status');

  // no connection: three statements answered, one of them twice
  await context.setOffline(true);
  await pick(page, items[0], '4');
  await pick(page, items[1], '2');
  await pick(page, items[1], '5');
  await pick(page, items[2], '3');
  await expect(status).toContainText('Waiting for the connection – your answers are kept on this device');
  const given: Stored = { [items[0]]: '4', [items[1]]: '5', [items[2]]: '3' };
  expect(await stored(page, token, 1)).toEqual({});

  // the page loads again while saves still do not get through (school Wi-Fi that comes and goes)
  await page.route('**/api/save_answer', (route) => route.abort('internetdisconnected'));
  await context.setOffline(false);
  await page.reload();
  await ready(page, info);
  for (const [item, value] of Object.entries(given)) expect(await checked(page, item)).toBe(value);
  await expect(status).toContainText('Waiting for the connection');
  expect(await stored(page, token, 1)).toEqual({});

  // the connection returns: every kept answer is stored, the last choice of each
  await page.unroute('**/api/save_answer');
  await expect.poll(() => stored(page, token, 1), { timeout: 20_000 }).toEqual(given);
  await expect(status).toContainText('All answers on this page are saved');
  expect(await page.evaluate((t) => localStorage.getItem(`reflect-pending-${t}`), token)).toBeNull();

  // Next without a connection waits for the answers, then goes
  await context.setOffline(true);
  await pick(page, items[3], '1');
  await page.getByRole('button', { name: 'Next category' }).click();
  await expect(status).toContainText('The page goes on once every answer is stored');
  await expect(page).toHaveURL(/\/c\/1$/);
  await context.setOffline(false);
  const anyway = page.getByRole('button', { name: 'Go on anyway' });
  await expect(anyway).toBeVisible({ timeout: 20_000 });
  expect(await stored(page, token, 1)).toEqual({ ...given, [items[3]]: '1' });
  await ready(page, info);
  await anyway.click();
  await expect(page).toHaveURL(/\/c\/2$/);
  expect(errors).toEqual([]);
});
